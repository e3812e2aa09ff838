"""Bad input gets one clear error naming the key, before anything runs."""

import copy
import subprocess

import pytest
import yaml
from helpers import ROOT, SCHEMA, load_yaml, snakemake_cmd

from condrate.config import validate
from condrate.errors import ConfigError
from condrate.nestrun.launch import check_vp


def errors_of(config, nest_params=None):
    with pytest.raises(ConfigError) as info:
        validate(config, SCHEMA, nest_params=nest_params, root=ROOT)
    return str(info.value)


def test_default_and_tiny_configs_are_valid(default_config, tiny_config, nest_params):
    for cfg in (default_config, tiny_config):
        assert validate(cfg, SCHEMA, nest_params=nest_params, root=ROOT) is cfg


@pytest.mark.parametrize("preset", ["aeif.yaml", "brainpy_ei.yaml", "classical_ai.yaml",
                                    "mean_driven.yaml", "mean_driven.yaml mean_driven_hh.yaml",
                                    "large.yaml", "fixed_step.yaml", "two_vps.yaml", "nestml.yaml", "adaptation.yaml",
                                    "rs_fs_adex.yaml"])
def test_presets_merged_on_the_default_are_valid(default_config, nest_params, preset):
    """Presets are --configfile'd on top of config/config.yaml (a deep merge, file by
    file, as Makefile's targets give them)."""
    from snakemake.utils import update_config

    for overlay in preset.split():
        update_config(default_config, load_yaml(ROOT / "config" / overlay))
    assert validate(default_config, SCHEMA, nest_params=nest_params, root=ROOT)


def test_network_model_without_synapses_is_named(tiny_config):
    tiny_config["network"]["parameters"] = "brainpy_ei_network"
    assert ("network.models: models/brainpy_ei_network.yaml has no per_model entry for "
            "'glif_cond'") in errors_of(tiny_config)


BAD = [
    (lambda c: c.update(models=["iaf_psc_alpha"]), "models.0: 'iaf_psc_alpha' is not one of"),
    (lambda c: c["fi"].update(duration_ms=-5), "fi.duration_ms: -5 is less than or equal to"),
    (lambda c: c["fi"].update(duration_ms="long"), "fi.duration_ms: 'long' is not of type 'number'"),
    (lambda c: c["fi"]["per_model"]["glif_cond"].update(fit_band_Hz=[-1, 50]),
     "fi.per_model.glif_cond.fit_band_Hz.0: -1 is less than the minimum"),
    (lambda c: c["fi"].update(delta_g_nS=[0, -10]), "fi.delta_g_nS.1: -10 is less than the minimum"),
    (lambda c: c["parallel"].update(tasks=0), "parallel.tasks: 0 is less than the minimum of 1"),
    (lambda c: c["nest"].update(virtual_processes=3), "differs from nest.virtual_processes = 3"),
    (lambda c: c["fi"].update(max_neurons=10), "exceeds fi.max_neurons = 10"),
    (lambda c: c["fi"].update(colour="red"), "'colour' was unexpected"),
    (lambda c: c.update(glif_mechanism="GLIF9"), "glif_mechanism: 'GLIF9' is not one of"),
    (lambda c: c["network"].update(K_E=5000), "network.K_E: 5000 exceeds network.N_E = 800"),
    (lambda c: c["network"].update(nu_ext_Hz=-3), "network.nu_ext_Hz: -3 is less than the minimum"),
    (lambda c: c["network"].update(N_I=0), "network.N_I: 0 is less than the minimum of 1"),
    (lambda c: c["network"].update(tau=3), "network: Additional properties are not allowed ('tau'"),
    (lambda c: c["network"]["sweeps"].update(K_E=[4000]), "network.sweeps.K_E: 4000 exceeds"),
    (lambda c: c["network"]["sweeps"]["step"].update(t_ms=5000),
     "network.sweeps.step.t_ms: must lie between t_warmup_ms and t_sim_ms - period_ms"),
    (lambda c: c["theory"]["feedback"].update(K=500), "theory.feedback.K: 500 inputs need a network"),
    (lambda c: c["theory"]["feedback"].update(loop_gain=[0.0]),
     "theory.feedback.loop_gain.0: 0.0 is less than or equal to the minimum of 0"),
    (lambda c: c["theory"]["feedback"].update(rates_Hz=[10, 5, 20]),
     "theory.feedback.rates_Hz: must be strictly increasing"),
    (lambda c: c["theory"]["feedback"].update(t_sim_ms=250), "theory.feedback.t_sim_ms: must exceed"),
    (lambda c: c["network"]["sweeps"].pop("step"), "theory: needs network.sweeps.nu_ext_Hz"),
    (lambda c: c["theory"]["selfconsistent"].update(t_warmup_ms=900.0),
     "theory.selfconsistent.t_warmup_ms: must be below theory.selfconsistent.t_sim_ms"),
    (lambda c: c["theory"]["selfconsistent"].update(generations=1),
     "theory.selfconsistent.generations: 1 is less than the minimum of 2"),
    (lambda c: c["theory"]["selfconsistent"].update(min_halfwidth=1.0),
     "theory.selfconsistent.min_halfwidth: must not exceed ladder_halfwidth"),
    (lambda c: c["map"].update(g=[12]), "map.g: [12] is too short"),
    (lambda c: c["map"].update(models=["aeif"]), "map.models.0: 'aeif' is not one of"),
    (lambda c: c["map"].update(models=["glif_cond", "iaf_psc_exp"]), "map.models.1"),
    (lambda c: c["map"]["network"].update(K_E=900), "map.network.K_E: 900 exceeds N_E = 400"),
    (lambda c: c["map"]["network"].update(N_E=5000), "map.network: N_E + N_I = 5100 exceeds"),
    (lambda c: c["map"]["selfconsistent"].update(t_sim_ms=50.0),
     "map.selfconsistent.t_sim_ms: must exceed theory.selfconsistent.t_warmup_ms"),
    (lambda c: c.pop("theory"), "map: needs the theory section(s) of the study"),
    (lambda c: c.update(integrator={"iaf_cond_exp": "rk4"}),
     "integrator.iaf_cond_exp: 'rk4' is not one of ['nest', 'fixed_step']"),
    (lambda c: c.update(integrator={"aeif_cond_exp": "fixed_step"}),
     "integrator.aeif_cond_exp: no fixed-step version of aeif_cond_exp"),
    (lambda c: c.update(integrator={"glif_cond": "fixed_step"}, glif_mechanism="GLIF3"),
     "integrator.glif_cond: the fixed-step glif_cond implements GLIF1 only, not GLIF3"),
    (lambda c: c.update(integrator={"iaf_psc_exp": "fixed_step"}), "integrator: 'iaf_psc_exp'"),
]


@pytest.mark.parametrize("mutate,message", BAD)
def test_bad_values_name_the_key(tiny_config, mutate, message):
    mutate(tiny_config)
    assert message in errors_of(tiny_config)


def test_unknown_key_lists_the_allowed_ones(tiny_config):
    tiny_config["fi"]["colour"] = "red"
    assert "allowed keys: ['conditions'," in errors_of(tiny_config)


def test_fixed_step_without_the_built_module_is_named(tiny_config, nest_params):
    tiny_config["integrator"] = {"hh_cond_exp_traub": "fixed_step"}
    assert validate(tiny_config, SCHEMA, nest_params=nest_params, root=ROOT)
    unbuilt = {k: v for k, v in nest_params.items() if not k.endswith(("_ee", "_rl"))}
    assert ("integrator.hh_cond_exp_traub: fixed_step needs condrate's NEST module "
            "(hh_cond_exp_traub_rl), which is not built here: run make setup"
            ) in errors_of(tiny_config, unbuilt)


def test_parameter_unknown_to_nest_is_named(tiny_config, nest_params):
    tiny_config["model_params"] = {"glif_cond": {"g_L": 10.0}}
    msg = errors_of(tiny_config, nest_params)
    assert "model_params.glif_cond.g_L: glif_cond has no parameter 'g_L'" in msg


def test_vp_check_explains_the_fix():
    check_vp(2, 1, 2)
    with pytest.raises(ConfigError, match="1 ranks x 1 threads = 1 virtual processes"):
        check_vp(1, 1, 2)


def run_snakemake(tmp_path, config, *extra):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump(config))
    cmd = snakemake_cmd(tmp_path, "--configfile", str(cfg), "--cores", "2", *extra)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


@pytest.mark.workflow
@pytest.mark.parametrize("case", [0, 1, 6, 7, 10, 12])
def test_workflow_stops_before_writing_anything(tmp_path, tiny_config, case):
    mutate, message = BAD[case]
    config = copy.deepcopy(tiny_config)
    mutate(config)
    proc = run_snakemake(tmp_path, config)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert not (tmp_path / "results").exists()


@pytest.mark.workflow
def test_vp_mismatch_from_resource_override_is_caught_before_running(tmp_path, tiny_config):
    tiny_config["models"] = ["iaf_cond_exp"]
    proc = run_snakemake(tmp_path, tiny_config, "--set-threads", "simulate=1")
    assert proc.returncode != 0
    assert "simulate: launch gives 1 ranks x 1 threads = 1 virtual processes" in proc.stderr
    assert not (tmp_path / "results").exists()


def test_every_schema_property_is_described():
    schema = load_yaml(SCHEMA)
    missing = []

    def walk(node, path):
        for key, sub in node.get("properties", {}).items():
            if "description" not in sub:
                missing.append(f"{path}.{key}")
            walk(sub, f"{path}.{key}")
        for key, sub in node.get("$defs", {}).items():
            walk(sub, f"$defs.{key}")

    walk(schema, "")
    assert not missing, missing


# A new neuron is a file in the models folder: these build one in a copy of models/ and
# check what the validation says about it, file and key named.
def models_copy(tmp_path, edit=None, name="iaf_cond_alpha"):
    import shutil

    folder = tmp_path / "models"
    shutil.copytree(ROOT / "models", folder)
    raw = load_yaml(folder / f"{name}.yaml")
    if edit is not None:
        edit(raw)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(raw))
    return folder


def alpha_config(tiny_config, folder):
    overlay = load_yaml(ROOT / "config" / "iaf_cond_alpha.yaml")
    tiny_config["models"] = overlay["models"]
    tiny_config["fi"]["per_model"] |= overlay["fi"]["per_model"]
    tiny_config["models_dir"] = str(folder)
    tiny_config.pop("map")  # the tiny map is of iaf_cond_exp
    return tiny_config


def test_a_model_file_is_a_model_no_code_names_it(tmp_path, tiny_config):
    folder = models_copy(tmp_path)
    assert validate(alpha_config(tiny_config, folder), SCHEMA, root=ROOT)
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "workflow").rglob("*.smk"),
                 ROOT / "Snakefile"]:
        text = path.read_text()
        for added in ("iaf_cond_alpha", "iaf_cond_exp_nestml", "hh_a_current", "aeif_cond_exp_rs",
                      "glif_cond_asc"):  # every model added by its files alone
            assert added not in text, (path, added)


@pytest.mark.parametrize("edit,message", [
    (lambda raw: raw["roles"].pop("capacitance"),
     "iaf_cond_alpha.yaml: roles.capacitance is required (a parameter name)"),
    (lambda raw: raw["roles"].update(reset="V_rest"),
     "iaf_cond_alpha.yaml: roles.reset names 'V_rest', which is not in params"),
    (lambda raw: raw["roles"].update(adaptation="a"),
     "iaf_cond_alpha.yaml: roles.adaptation is not a role; the roles are ['leak_conductance',"),
    (lambda raw: raw.pop("roles"),
     "iaf_cond_alpha.yaml: no `roles` mapping; give one parameter name (or null) for each of"),
])
def test_a_model_file_without_its_roles_is_refused(tmp_path, tiny_config, edit, message):
    folder = models_copy(tmp_path, edit)
    assert message in errors_of(alpha_config(tiny_config, folder))


def test_a_nest_model_nest_lacks_is_named_with_near_names(tmp_path, tiny_config, nest_params):
    folder = models_copy(tmp_path, lambda raw: raw.update(nest_model="iaf_cond_alfa"))
    with pytest.raises(ConfigError) as info:
        validate(alpha_config(tiny_config, folder), SCHEMA, nest_params=nest_params, root=ROOT,
                 node_models=["iaf_cond_alpha", "iaf_cond_exp", "iaf_psc_alpha", "poisson_generator"])
    msg = str(info.value)
    assert "iaf_cond_alpha.yaml: nest_model: NEST has no model 'iaf_cond_alfa'" in msg
    assert "near names: ['iaf_cond_alpha'" in msg and "poisson_generator" not in msg


def test_a_parameter_the_nest_model_lacks_is_named_in_its_file(tmp_path, tiny_config, nest_params):
    folder = models_copy(tmp_path, lambda raw: raw["params"].update(
        Delta_T={"value": 2.0, "unit": "mV"}))
    msg = errors_of(alpha_config(tiny_config, folder), nest_params)
    assert "iaf_cond_alpha.yaml: params.Delta_T: iaf_cond_alpha has no parameter 'Delta_T'" in msg


@pytest.mark.parametrize("edit,message", [
    (lambda raw: raw["synapses"]["excitatory"].update(receptor_type=3),
     "iaf_cond_alpha.yaml: synapses.excitatory: receptor_type 3 with weight sign 1: NEST "
     "refuses it (Receptor type 3 is not available in iaf_cond_alpha"),
    (lambda raw: raw["synapses"]["inhibitory"].update(recordable="g_inh"),
     "iaf_cond_alpha.yaml: synapses.inhibitory: recordable: iaf_cond_alpha records no 'g_inh'"),
])
def test_a_synapse_port_the_model_lacks_is_named_by_nest(tmp_path, tiny_config, nest_params,
                                                         edit, message):
    """NEST itself is asked (a connection on the file's port, to a neuron with its
    parameters): the validation names the file, the synapse and what NEST said."""
    from condrate.nestrun import nestinfo

    folder = models_copy(tmp_path, edit)
    refused = nestinfo.probe(models_dir=folder)["synapse_errors"]
    assert set(refused) >= {"iaf_cond_alpha", "glif_cond", "iaf_cond_exp"}
    assert refused["glif_cond"] == {} and refused["iaf_cond_exp"] == {}
    with pytest.raises(ConfigError) as info:
        validate(alpha_config(tiny_config, folder), SCHEMA, nest_params=nest_params, root=ROOT,
                 synapse_errors=refused)
    assert message in str(info.value)


def test_a_variant_file_takes_its_base_and_changes_what_it_names(tmp_path):
    """`extends`: hh_a_current_gA0 is hh_a_current with g_A = 0; a variant of a missing
    base and a loop of variants are refused with the file named."""
    from condrate.params import load_model, model_file_chain, neuron_models

    base, variant = (load_model(ROOT / "models", m) for m in ("hh_a_current", "hh_a_current_gA0"))
    assert variant.params["g_A"] == 0.0 and base.params["g_A"] == 2000.0
    assert {k: v for k, v in variant.params.items() if k != "g_A"} == \
        {k: v for k, v in base.params.items() if k != "g_A"}
    assert variant.roles == base.roles and variant.nest_model == base.nest_model == "hh_a_current"
    assert [p.name for p in model_file_chain(ROOT / "models", "hh_a_current_gA0")] == \
        ["hh_a_current_gA0.yaml", "hh_a_current.yaml"]
    (tmp_path / "a.yaml").write_text("extends: b\nparams: {}\n")
    (tmp_path / "b.yaml").write_text("extends: a\n")
    (tmp_path / "c.yaml").write_text("extends: nowhere\n")
    assert neuron_models(tmp_path) == ("a", "b", "c")
    with pytest.raises(ConfigError, match=r"b.yaml: extends: a loop of files \(a -> b -> a\)"):
        model_file_chain(tmp_path, "a")
    with pytest.raises(ConfigError, match="c.yaml: extends: no parameter file .*nowhere.yaml"):
        model_file_chain(tmp_path, "c")


def test_an_adaptation_section_that_cannot_run_is_refused(default_config, nest_params):
    """A model without a slow mechanism, a step outside the reference grid, a grid over
    the neuron budget: each named with its key."""
    from snakemake.utils import update_config

    update_config(default_config, load_yaml(ROOT / "config" / "adaptation.yaml"))
    c = default_config["adaptation"]
    c["models"] = ["aeif_cond_exp_rs", "glif_cond_asc"]
    c["slow_ms"] = 500.0               # no mechanism of either file is that slow
    c["step"]["delta_g_nS"] = 30.0     # not a level of the reference f-I
    c["per_model"]["glif_cond_asc"]["drive_mV"]["num"] = 1000
    msg = errors_of(default_config, nest_params)
    assert ("adaptation.models: models/aeif_cond_exp_rs.yaml has no adaptation mechanism "
            "slower than adaptation.slow_ms = 500.0 ms") in msg
    assert "adaptation.step.delta_g_nS: 30.0 is not one of adaptation.delta_g_nS" in msg
    assert "adaptation: grid of 6000 neurons for glif_cond_asc exceeds fi.max_neurons = 5000" in msg


def test_a_spec_sees_only_its_own_models_entries(default_config):
    """config.model_view: the sections a spec records, as one model sees them; adding
    another model's entries (its fi grid, parameters, step drive, a place in a models
    list) leaves that view, and so the spec's bytes, unchanged."""
    from condrate.config import model_view
    from condrate.params import neuron_models

    names = neuron_models(ROOT / "models")
    adaptation = load_yaml(ROOT / "config" / "adaptation.yaml")
    part = {"fi": default_config["fi"], "adaptation": adaptation["adaptation"],
            "model_params": {"glif_cond_asc": {"V_th": -50.0}, "iaf_cond_exp": {"V_th": -52.0}}}
    view = model_view(part, "glif_cond_asc", names)
    assert list(view["adaptation"]["per_model"]) == ["glif_cond_asc"]
    assert list(view["adaptation"]["step"]["drive_mV"]) == ["glif_cond_asc"]
    assert view["adaptation"]["models"] == ["glif_cond_asc"]
    assert view["model_params"] == {"glif_cond_asc": {"V_th": -50.0}}
    assert view["fi"]["per_model"] == {}  # the default config has no grid for it
    assert view["adaptation"]["strengths"] == adaptation["adaptation"]["strengths"]
    grown = copy.deepcopy(part)
    grown["adaptation"]["per_model"]["aeif_cond_exp"] = {"drive_mV": {"start": 1, "stop": 2, "num": 3}}
    grown["adaptation"]["models"].append("aeif_cond_exp")
    grown["fi"]["per_model"]["iaf_cond_exp"]["drive_mV"]["num"] = 7
    assert model_view(grown, "glif_cond_asc", names) == view
    assert model_view(grown, "aeif_cond_exp", names) != model_view(part, "aeif_cond_exp", names)


def rs_fs_config(default_config):
    from snakemake.utils import update_config

    update_config(default_config, load_yaml(ROOT / "config" / "rs_fs_adex.yaml"))
    return default_config


def test_a_two_model_networks_theory_needs_the_inhibitory_models_fit(default_config):
    """The theory stage of a two-model network (its two-population closed loop) needs
    the f-I fit of the I population's model: without it among the models, the error
    names both models and the fix."""
    config = rs_fs_config(default_config)
    config["models"] = ["adex_rs_zerlaut"]
    message = errors_of(config)
    assert "the two-model network of 'adex_rs_zerlaut'" in message
    assert "add 'adex_fs_zerlaut' to models" in message


def test_a_map_of_a_two_model_network_maps_the_network_not_its_i_model(default_config):
    """The RS-FS preset's map (both models' adaptation, the two-population predictions)
    validates; naming its FS model, which has no network of its own, in map.models is
    refused with the key and what is allowed."""
    config = rs_fs_config(default_config)
    assert validate(copy.deepcopy(config), SCHEMA, root=ROOT)["map"]["models"] == [
        "adex_rs_zerlaut"]
    config["map"]["models"] = ["adex_fs_zerlaut"]
    message = errors_of(config)
    assert "map.models: 'adex_fs_zerlaut' has no network of its own" in message
    assert "['adex_rs_zerlaut']" in message


def test_a_two_model_networks_loop_needs_a_grid_of_three_levels(default_config):
    """(iv)'s pair loop fits a quadratic over levels x levels pairs: levels 2 is refused
    at validation, the key and the reason named; so are other start guesses."""
    config = rs_fs_config(default_config)
    config["theory"]["selfconsistent"]["levels"] = 2
    message = errors_of(config)
    assert "theory.selfconsistent.levels: 2" in message and "levels >= 3" in message
    # and it starts once: other start guesses (the one-model loop's) are refused, not ignored
    config["theory"]["selfconsistent"] |= {"levels": 3, "other_starts_Hz": [2.0]}
    message = errors_of(config)
    assert "theory.selfconsistent.other_starts_Hz: [2.0]" in message and "set it to []" in message


def test_a_two_model_networks_inhibitory_model_must_exist_and_share_the_synapses(
        tmp_path, default_config):
    """inhibitory_model names a model file whose synapses (shape, recorded conductance,
    port) and recorded potential are the E model's; the file and key are named."""
    import shutil

    folder = tmp_path / "models"
    shutil.copytree(ROOT / "models", folder)
    config = rs_fs_config(default_config)
    config["models_dir"] = str(folder)
    net = load_yaml(folder / "rs_fs_network.yaml")
    for other, expected in (("adex_fs_nowhere", "no model file"),
                            ("glif_cond", "'glif_cond' has excitatory synapses (alpha")):
        net["per_model"]["adex_rs_zerlaut"]["inhibitory_model"] = other
        (folder / "rs_fs_network.yaml").write_text(yaml.safe_dump(net))
        message = errors_of(config)
        assert "rs_fs_network.yaml: per_model.adex_rs_zerlaut.inhibitory_model" in message
        assert expected in message
