"""Configuration: schema validation and the checks a schema cannot express.

The workflow calls :func:`validate` once, before any rule runs.

Every error names the key and what is allowed, and is raised before anything runs.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import jsonschema
import yaml

from .criteria import inhibitory_indegree
from .errors import ConfigError
from .params import model_from_config, neuron_models, per_model_entry


def _path(error) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "<top level>"


def _allowed(error) -> str:
    """Human hint of what the failing schema node accepts."""
    schema = error.schema
    if error.validator == "additionalProperties" and "properties" in schema:
        return f"; allowed keys: {sorted(schema['properties'])}"
    if error.validator == "required":
        return f"; required keys: {schema['required']}"
    if "description" in schema:
        return f" ({schema['description']})"
    return ""


def schema_errors(config: dict, schema: dict) -> list[str]:
    """All schema violations of ``config`` as 'key: message' strings."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    return [f"{_path(e)}: {e.message}{_allowed(e)}" for e in errors]


def semantic_errors(config: dict, nest_params: dict | None = None, root=".",
                    node_models=(), synapse_errors: dict | None = None) -> list[str]:
    """Checks beyond the schema; ``config`` must already pass the schema.

    nest_params: {nest_model: set of parameter names} from NEST (condrate.nestrun.nestinfo);
    None skips the parameter-name check. synapse_errors: {model: {kind: what NEST said}}
    for the synapses NEST refuses (nestinfo), None skips that check.
    """
    out = []
    vp, par = config["nest"]["virtual_processes"], config["parallel"]
    if par["tasks"] * par["threads"] != vp:
        out.append(
            f"parallel: tasks x threads = {par['tasks']} x {par['threads']} "
            f"differs from nest.virtual_processes = {vp}"
        )
    neurons = {}  # each parameter file with the config's overrides and integrator, once
    for model in config["models"]:  # roles, units, synapses, fixed-step version, GLIF level
        try:
            neurons[model] = model_from_config(config, model, root)
        except ConfigError as err:
            out.append(str(err))
    fi = config["fi"]
    for model in config["models"]:
        m = fi["per_model"].get(model)
        if m is None:
            out.append(f"fi.per_model.{model}: missing; give drive_mV and fit_band_Hz")
            continue
        if m["drive_mV"]["stop"] <= m["drive_mV"]["start"]:
            out.append(f"fi.per_model.{model}.drive_mV: stop must be larger than start")
        lo, hi = m["fit_band_Hz"]
        if not lo < hi:
            out.append(f"fi.per_model.{model}.fit_band_Hz: [{lo}, {hi}] must be increasing")
    if fi["warmup_ms"] >= fi["duration_ms"]:
        out.append(
            f"fi.warmup_ms: {fi['warmup_ms']} must be below fi.duration_ms = {fi['duration_ms']}"
        )
    for model in config["models"]:
        n = grid_size(fi, model)
        if n is not None and n > fi["max_neurons"]:
            out.append(
                f"fi: grid of {n} neurons for {model} exceeds fi.max_neurons = {fi['max_neurons']}"
            )
    if "network" in config:
        out += network_errors(config, root)
    elif "network" in config.get("stages", ["fi", "network", "theory"]):
        out.append("network: missing; the network stage needs a network section")
    if "theory" in config:
        ol = config["theory"]["openloop"]
        if ol["t_warmup_ms"] >= ol["t_sim_ms"]:
            out.append("theory.openloop.t_warmup_ms: must be below theory.openloop.t_sim_ms")
        itr = config["theory"]["selfconsistent"]
        if itr["t_warmup_ms"] >= itr["t_sim_ms"]:
            out.append("theory.selfconsistent.t_warmup_ms: must be below "
                       "theory.selfconsistent.t_sim_ms")
        if itr["min_halfwidth"] > itr["ladder_halfwidth"]:
            out.append("theory.selfconsistent.min_halfwidth: must not exceed ladder_halfwidth "
                       f"({itr['ladder_halfwidth']})")
        out += feedback_errors(config["theory"]["feedback"])
        sweeps = config.get("network", {}).get("sweeps", {})
        if "theory" in config.get("stages", ["theory"]) and not (
            sweeps.get("nu_ext_Hz") and sweeps.get("step")
        ):
            out.append("theory: needs network.sweeps.nu_ext_Hz (closed loop) and "
                       "network.sweeps.step (step dynamics)")
    for model in config.get("integrator", {}):
        if model not in config["models"]:  # a listed model's integrator: built above
            out.append(f"integrator.{model}: not one of models {config['models']}")
    if "map" in config:
        out += map_errors(config, neurons)
    if "adaptation" in config:
        out += adaptation_errors(config, neurons)
    if nest_params is not None:
        out += _param_name_errors(config, nest_params, neurons, node_models)
    out += [f"{config['models_dir']}/{model}.yaml: synapses.{kind}: {message}"
            for model in neurons for kind, message in (synapse_errors or {}).get(model, {}).items()]
    return out


def adaptation_errors(config: dict, neurons: dict) -> list[str]:
    """Each adapting model is one of models, has its f-I grid and a mechanism slower than
    adaptation.slow_ms; the warm-up ends before the run."""
    from .theory.adaptation import from_model

    c, out = config["adaptation"], []
    for model in c["models"]:
        if model not in config["models"]:
            out.append(f"adaptation.models: '{model}' is not one of models {config['models']}")
        elif model in neurons and from_model(neurons[model]).slow(c["slow_ms"]).empty:
            out.append(f"adaptation.models: {config['models_dir']}/{model}.yaml has no "
                       f"adaptation mechanism slower than adaptation.slow_ms = {c['slow_ms']} ms "
                       "(its `adaptation` section)")
        n = grid_size(c, model)
        if n is None:
            out.append(f"adaptation.per_model.{model}: missing; give drive_mV and fit_band_Hz")
        elif n > config["fi"]["max_neurons"]:
            out.append(f"adaptation: grid of {n} neurons for {model} exceeds "
                       f"fi.max_neurons = {config['fi']['max_neurons']}")
        if model not in c["step"]["drive_mV"]:
            out.append(f"adaptation.step.drive_mV.{model}: missing; give [before, after] (mV)")
    if c["warmup_ms"] >= c["duration_ms"]:
        out.append(f"adaptation.warmup_ms: {c['warmup_ms']} must be below "
                   f"adaptation.duration_ms = {c['duration_ms']}")
    step = c["step"]
    if step["neurons"] > config["fi"]["max_neurons"]:
        out.append(f"adaptation.step.neurons: {step['neurons']} exceeds fi.max_neurons = "
                   f"{config['fi']['max_neurons']}")
    if step["condition"] not in c["conditions"]:
        out.append(f"adaptation.step.condition: {step['condition']} is not one of "
                   f"adaptation.conditions {c['conditions']} (its reference f-I predicts it)")
    if step["delta_g_nS"] not in c["delta_g_nS"]:
        out.append(f"adaptation.step.delta_g_nS: {step['delta_g_nS']} is not one of "
                   f"adaptation.delta_g_nS {c['delta_g_nS']}")
    if not step["t_ms"] + 1000.0 <= step["t_end_ms"] or step["t_ms"] < 1000.0:
        out.append("adaptation.step: t_ms must leave a second before it and after it "
                   f"(t_ms {step['t_ms']}, t_end_ms {step['t_end_ms']})")
    return out


def map_errors(config: dict, neurons: dict | None = None) -> list[str]:
    """The map needs the network and theory sections (its points are network runs, its
    predictions use the f-I fit and the semi-analytic calibration), the values of its
    axis (map.axis; an adaptation-strength axis only for models that adapt) and
    a valid point network. ``neurons``: {model: NeuronModel} of the models that built."""
    from .map.grid import AXES

    m, out = config["map"], []
    missing = [k for k in ("network", "theory") if k not in config]
    if missing:
        return [f"map: needs the {' and '.join(missing)} section(s) of the study"]
    key = m.get("axis", "g")
    if key not in m:
        out.append(f"map.{key}: missing; map.axis is {key} (of {[a.key for a in AXES]}), "
                   f"so the map needs its values")
    networks = config["network"].get("models", config["models"])
    for model in m.get("models", []):
        if model not in config["models"]:
            out.append(f"map.models: '{model}' is not one of models {config['models']}")
        elif model not in networks:
            out.append(f"map.models: '{model}' has no network of its own (network.models: "
                       f"{networks}); a map point is a network run: name one of those")
    if key == "adaptation_strength" and key in m:
        from .map.grid import map_models, strength_params

        slow_ms = config.get("adaptation", {}).get("slow_ms")
        for model in map_models(config):
            if model in (neurons or {}) and not strength_params(neurons[model], 1.0, slow_ms):
                out.append(f"map.adaptation_strength: {model} has no adaptation mechanism"
                           + (f" slower than adaptation.slow_ms = {slow_ms} ms" if slow_ms
                              else "") + f" ({config['models_dir']}/{model}.yaml: adaptation)")
    net = config["network"] | m.get("network", {})
    for k_key, n_key in (("K_E", "N_E"), ("K_I", "N_I")):
        if net[k_key] > net[n_key]:
            out.append(f"map.network.{k_key}: {net[k_key]} exceeds {n_key} = {net[n_key]}")
    if net["N_E"] + net["N_I"] > net["max_neurons"]:
        out.append(f"map.network: N_E + N_I = {net['N_E'] + net['N_I']} exceeds "
                   f"network.max_neurons = {net['max_neurons']}")
    if net["t_warmup_ms"] >= net["t_sim_ms"]:
        out.append(f"map.network.t_sim_ms: must exceed t_warmup_ms = {net['t_warmup_ms']}")
    itr = config["theory"]["selfconsistent"] | m.get("selfconsistent", {})
    if itr["t_warmup_ms"] >= itr["t_sim_ms"]:
        out.append("map.selfconsistent.t_sim_ms: must exceed theory.selfconsistent.t_warmup_ms")
    return out


def feedback_errors(fb: dict) -> list[str]:
    """Timing and size rules of theory.feedback the schema cannot express."""
    out = []
    where = "theory.feedback"
    if fb["K"] >= fb["N"]:
        out.append(f"{where}.K: {fb['K']} inputs need a network larger than N = {fb['N']}")
    if list(fb["rates_Hz"]) != sorted(set(fb["rates_Hz"])):
        out.append(f"{where}.rates_Hz: must be strictly increasing")
    kick_end = fb["kick"]["t_ms"] + fb["kick"]["duration_ms"]
    if not fb["t_warmup_ms"] < fb["kick"]["t_ms"]:
        out.append(f"{where}.kick.t_ms: must be after t_warmup_ms ({fb['t_warmup_ms']} ms)")
    if kick_end + fb["settle_ms"] >= fb["t_sim_ms"]:
        out.append(f"{where}.t_sim_ms: must exceed kick end + settle_ms ({kick_end + fb['settle_ms']} ms)")
    return out


def network_errors(config: dict, root=".") -> list[str]:
    """Network checks beyond the schema: in-degrees, budget, times, preset file."""
    net, out = config["network"], []
    sweeps = net.get("sweeps", {})
    for k_key, n_key in (("K_E", "N_E"), ("K_I", "N_I")):
        if net[k_key] > net[n_key]:
            out.append(f"network.{k_key}: {net[k_key]} exceeds network.{n_key} = {net[n_key]}")
    for k in sweeps.get("K_E", []):
        if k > net["N_E"] or inhibitory_indegree(k) > net["N_I"]:
            out.append(f"network.sweeps.K_E: {k} exceeds the population sizes")
    if net["N_E"] + net["N_I"] > net["max_neurons"]:
        out.append(
            f"network: N_E + N_I = {net['N_E'] + net['N_I']} exceeds "
            f"network.max_neurons = {net['max_neurons']}"
        )
    if net["t_warmup_ms"] >= net["t_sim_ms"]:
        out.append(f"network.t_warmup_ms: must be below network.t_sim_ms = {net['t_sim_ms']}")
    step = sweeps.get("step")
    if step and not (net["t_warmup_ms"] < step["t_ms"]
                     <= step.get("t_sim_ms", net["t_sim_ms"]) - step["period_ms"]):
        out.append(
            "network.sweeps.step.t_ms: must lie between t_warmup_ms and t_sim_ms - period_ms "
            "(t_sim_ms: the step's own, else the network's)"
        )
    for m in net.get("models", []):
        if m not in config["models"]:
            out.append(f"network.models: '{m}' is not in models {config['models']}")
    path = Path(config["models_dir"]) / f"{net['parameters']}.yaml"
    if not (Path(root) / path).exists():
        out.append(f"network.parameters: no file {path}")
        return out
    per_model = yaml.safe_load((Path(root) / path).read_text()).get("per_model", {})
    for m in net.get("models", config["models"]):
        entry = per_model_entry(per_model, Path(root) / config["models_dir"], m)
        if entry is None:
            out.append(f"network.models: {path} has no per_model entry for '{m}' nor for "
                       "a model it extends (its G_E, G_I, G_ext)")
        elif entry.get("inhibitory_model") is not None:
            out += two_model_errors(config, m, entry["inhibitory_model"], path, root)
    return out


def two_model_errors(config: dict, model: str, inhibitory: str, path, root=".") -> list[str]:
    """A two-model network (``inhibitory_model`` in the network file's entry of
    ``model``): the I population's model exists, shares the E model's synapses (one
    set of conductances, one multimeter for both), and, for the theory stage (its
    two-population closed loop, theory.two_population), is among the models whose f-I
    curves are fitted (the map's too: condrate.map.stage)."""
    where = f"{path}: per_model.{model}.inhibitory_model"
    if inhibitory not in neuron_models(Path(root) / config["models_dir"]):
        return [f"{where}: no model file {config['models_dir']}/{inhibitory}.yaml"]
    try:
        e, i = (model_from_config(config, name, root) for name in (model, inhibitory))
    except ConfigError as err:
        return [f"{where}: {err}"]
    out = []
    for kind in ("excitatory", "inhibitory"):
        a, b = getattr(e, kind), getattr(i, kind)
        if (a.shape, a.recordable, a.receptor_type) != (b.shape, b.recordable, b.receptor_type):
            out.append(f"{where}: '{inhibitory}' has {kind} synapses ({b.shape}, {b.recordable}, "
                       f"port {b.receptor_type}) unlike '{model}' ({a.shape}, {a.recordable}, "
                       f"port {a.receptor_type}); a two-model network needs the same")
    if e.membrane_potential != i.membrane_potential:
        out.append(f"{where}: '{inhibitory}' records its potential as {i.membrane_potential}, "
                   f"'{model}' as {e.membrane_potential}; a two-model network needs the same")
    if "theory" not in config.get("stages", ["fi", "network", "theory"]):
        return out
    if inhibitory not in config["models"]:
        out.append(f"models: the theory stage of the two-model network of '{model}' needs "
                   f"the f-I fit of its I population's model: add '{inhibitory}' to models "
                   f"(and network.models: ['{model}'] to run no network of its own)")
    loop = config.get("theory", {}).get("selfconsistent", {})
    if loop.get("levels", 3) < 3:
        out.append(f"theory.selfconsistent.levels: {loop['levels']}; the self-consistent "
                   f"loop of the two-model network of '{model}' fits a quadratic over "
                   "levels x levels input-rate pairs and needs levels >= 3")
    if loop.get("other_starts_Hz"):
        out.append(f"theory.selfconsistent.other_starts_Hz: {loop['other_starts_Hz']}; the "
                   f"self-consistent loop of the two-model network of '{model}' starts "
                   "once, from start_rate_Hz (E) and start_rate_I_Hz (I): set it to []")
    return out


def grid_size(section: dict, model: str) -> int | None:
    """Neurons of ``model``'s f-I grid in a section with conditions, delta_g_nS and
    per_model drive grids (fi, adaptation); None where it has no grid for the model."""
    if model not in section["per_model"]:
        return None
    return (len(section["conditions"]) * len(section["delta_g_nS"])
            * section["per_model"][model]["drive_mV"]["num"])


def _param_name_errors(config, nest_params, neurons, node_models=()) -> list[str]:
    """Names NEST lacks, for the models that built (``neurons``: {model: NeuronModel};
    semantic_errors has named the others)."""
    out = []
    overrides = config.get("model_params", {})
    for model, m in neurons.items():
        known = nest_params.get(m.nest_model)
        if known is None and m.nestml is not None:
            continue  # not built yet: rule nestml_module checks its parameters once built
        if known is None and m.needs_extension:
            out.append(f"integrator.{model}: fixed_step needs condrate's NEST module "
                       f"({m.nest_model}), which is not built here: run make setup")
            continue
        if known is None:
            near = difflib.get_close_matches(m.nest_model, node_models, n=5, cutoff=0.6)
            out.append(f"{config['models_dir']}/{model}.yaml: nest_model: NEST has no model "
                       f"'{m.nest_model}'" + (f"; near names: {near}" if near else ""))
            continue
        for name in m.nest_params():
            if name not in known:
                where = (
                    f"model_params.{model}.{name}"
                    if name in overrides.get(model, {})
                    else f"{config['models_dir']}/{model}.yaml: params.{name}"
                )
                out.append(f"{where}: {m.nest_model} has no parameter '{name}'")
    return out


def validate(config: dict, schema_path, nest_params=None, root=".", node_models=(),
             synapse_errors=None) -> dict:
    """Validate ``config``; raise :class:`ConfigError` listing every problem.

    nest_params: {NEST model: parameter names} (None skips the parameter check);
    node_models: every model name NEST knows (for near names in an error);
    synapse_errors: the synapses NEST refuses, by model (None skips the check)."""
    with open(schema_path) as fh:
        schema = yaml.safe_load(fh)
    # the models are the neuron files of the config's models folder
    models_dir = Path(root) / config.get("models_dir", "models")
    if not models_dir.is_dir():
        raise ConfigError(f"invalid configuration:\n  models_dir: {models_dir} is not a folder")
    schema["$defs"]["model_name"]["enum"] = list(neuron_models(models_dir))
    problems = schema_errors(config, schema)
    if not problems:
        problems = semantic_errors(config, nest_params, root, node_models, synapse_errors)
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return config


def model_view(part, model: str, model_names, also=()):
    """``part`` of the config as one model's run sees it: every mapping keyed by model
    names (fi.per_model, model_params, adaptation.step.drive_mV, ...) keeps only
    ``model``'s entry, and every ``models`` list only ``model``. A spec records this
    view, so that adding or changing another model's entry changes none of its bytes and
    reruns none of its jobs. model_names: every model of models_dir; also: models whose
    entries the run needs too (a two-model network's I model), kept in the mappings."""
    names, keep = set(model_names), {model, *also}

    def view(node):
        if not isinstance(node, dict):
            return node
        if node and set(node) <= names:
            return {k: view(v) for k, v in node.items() if k in keep}
        return {k: ([m for m in v if m == model] if k == "models" and isinstance(v, list)
                    else view(v)) for k, v in node.items()}

    return view(part)
