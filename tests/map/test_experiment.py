"""The map's specs: a point is the study's network with G_I = g G_E; the self-consistent
run has one group per point with that point's G_I and drive."""

from condrate.map import experiment, grid
from condrate.network.experiment import network_spec

from helpers import ROOT


def test_point_spec_sets_inhibition_from_g(default_config):
    spec = experiment.point_spec(default_config, "iaf_cond_exp", ROOT, point="g12-nu20")
    d, net = spec["derived"], spec["network"]
    study = network_spec(default_config, "iaf_cond_exp", "default", ROOT)["derived"]
    # ei_network.yaml: G_E 1 nS, G_I 24 nS at K_ref = the study's in-degrees
    assert d["G_EE_nS"] == study["G_EE_nS"] == 1.0
    assert study["G_I_nS"] == 24.0 and d["G_I_nS"] == 12.0
    assert net["nu_ext_Hz"] == 20.0 and net["N_E"] == default_config["map"]["network"]["N_E"]
    assert spec["kind"] == "map_point" and spec["map_point"] == {"g": 12.0, "nu_ext_Hz": 20.0}
    assert "map" in spec["config"]


def test_the_study_network_spec_is_unchanged_by_the_map(default_config):
    """The map section must not reach the study's specs (their bytes stay)."""
    without = {k: v for k, v in default_config.items() if k != "map"}
    a = network_spec(default_config, "glif_cond", "default", ROOT)
    b = network_spec(without, "glif_cond", "default", ROOT)
    assert "g_IE" not in a["network"]
    assert a["derived"] == b["derived"] and a["network"] == b["network"]


def test_iterated_spec_has_one_group_per_point(tiny_config):
    spec = experiment.iterated_spec(tiny_config, "iaf_cond_exp", ROOT, generation="g0")
    names = grid.point_names(tiny_config)
    assert [grp["point"] for grp in spec["groups"]] == names
    G = {grp["point"]: grp["G_I_nS"] for grp in spec["groups"]}
    assert G["g24-nu10"] == 2 * G["g12-nu10"] == G["g24-nu20"]
    assert {grp["nu_ext_Hz"] for grp in spec["groups"]} == {10.0, 20.0}
    assert spec["neurons_per_level"] == tiny_config["map"]["selfconsistent"]["neurons_per_level"]
    assert spec["kind"] == "map_selfconsistent" and spec["generation"] == 0


def test_an_adaptation_strength_map_gives_each_group_its_parameters(tiny_config):
    """A map over adaptation strength: each point's network and each self-consistent
    group carries the scaled parameters; g is the study's at every point."""
    tiny_config["map"] |= {"axis": "adaptation_strength", "adaptation_strength": [0.0, 2.0],
                           "models": ["aeif_cond_exp_rs"]}
    point = experiment.point_spec(tiny_config, "aeif_cond_exp_rs", ROOT, point="a2-nu10")
    study = network_spec(tiny_config, "aeif_cond_exp_rs", "default", ROOT)
    assert point["overrides"] == {"a": 8.0, "b": 161.0}
    assert point["map_point"] == {"adaptation_strength": 2.0, "nu_ext_Hz": 10.0}
    assert point["derived"]["G_I_nS"] == study["derived"]["G_I_nS"]
    spec = experiment.iterated_spec(tiny_config, "aeif_cond_exp_rs", ROOT, generation="g0")
    assert [grp["point"] for grp in spec["groups"]] == ["a0-nu10", "a0-nu20", "a2-nu10",
                                                         "a2-nu20"]
    assert [grp["nest_params"]["b"] for grp in spec["groups"]] == [0.0, 0.0, 161.0, 161.0]
    assert all("G_I_nS" not in grp for grp in spec["groups"])
    assert spec["overrides"] == {"a": 4.0, "b": 80.5}  # the model as filed
