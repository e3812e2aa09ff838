"""E/I balanced network: derived parameters (pure), then create and connect phases.

Populations: N_E excitatory and N_I inhibitory neurons (4:1 by default), each neuron
receiving exactly K_E excitatory, K_I inhibitory and K_ext external Poisson inputs.
Peak conductances scale as G_ref sqrt(K_ref/K) per pathway. All conductances are positive nS;
the sign NEST needs for inhibition comes from params.nest_weight.

Both populations are neurons of the study's model, unless the network file's entry of
the model names an ``inhibitory_model`` (a two-model network, e.g. regular-spiking E and
fast-spiking I cells): then the I population is that model's neurons, with the same
synapses (config.network_errors checks that they match).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import yaml

from ..criteria import inhibitory_indegree
from ..errors import ConfigError
from ..nestrun.recorders import spike_recorder
from ..params import NeuronModel, model_from_spec, model_spec, nest_weight
from ..protocol import Experiment, Nodes
from .balance import step_times

# second word of the numpy seed of per-neuron dc currents ([NEST's rng_seed, this]):
# a stream of their own, apart from NEST's generators
CURRENT_STREAM = 1


def unit_value(entry, unit):
    """Value of a {value, unit} entry after checking its unit."""
    if entry["unit"] != unit:
        raise ValueError(f"expected unit {unit}, got {entry['unit']}")
    return entry["value"]


def derive(net_file: dict, model: NeuronModel, net: dict,
           inhibitory: NeuronModel | None = None) -> dict:
    """All numbers the network build needs, from the parameter file and the config.

    net: the config's network section for one run (N_E, N_I, K_E, K_I, K_ext,
    nu_ext_Hz, t_sim_ms, ...; at a map point g_IE = G_I/G_E replaces the file's G_I).
    Returns peak conductances (nS) after 1/sqrt(K) scaling, delays (ms), initial-V_m
    range (mV), external drive (Hz); for a two-model network (``inhibitory``: the I
    population's model) also the I population's initial-V_m range.
    """
    p = net_file["per_model"][model.name]
    K_ref = unit_value(net_file["K_ref"], "1")
    scale = {
        k: math.sqrt(K_ref[ref] / net[k]) if net[k] > 0 else 0.0
        for k, ref in (("K_E", "E"), ("K_I", "I"), ("K_ext", "ext"))
    }
    lo, hi = unit_value(net_file["V_m_init"], "1")
    span = model.V_top_mV - model.E_L_mV
    G_E = unit_value(p["G_E"], "nS")
    # a validity-map point sets the inhibition dominance g = G_I / G_E (condrate.map)
    G_I = G_E * net["g_IE"] if "g_IE" in net else unit_value(p["G_I"], "nS")
    out = {
        "G_EE_nS": G_E * scale["K_E"],
        "G_I_nS": G_I * scale["K_I"],
        "G_ext_nS": unit_value(p["G_ext"], "nS") * scale["K_ext"],
        "delay_ms": list(unit_value(net_file["delay"], "ms")),
        "V_m_init_mV": [model.E_L_mV + lo * span, model.E_L_mV + hi * span],
        "ext_rate_total_Hz": net["K_ext"] * net["nu_ext_Hz"],
        "K_scale": scale,
    }
    if inhibitory is not None:
        span_I = inhibitory.V_top_mV - inhibitory.E_L_mV
        out["V_m_init_I_mV"] = [inhibitory.E_L_mV + lo * span_I, inhibitory.E_L_mV + hi * span_I]
    return out


def constant_current(nest, model: NeuronModel, neurons, net: dict) -> None:
    """The constant current of the run's network section into every neuron: I_ext_pA
    (pA), the same for all, or with I_ext_sd_pA > 0 one normal draw per neuron
    (heterogeneous drive). I_e where the model has it (the draw by NEST's per-VP
    generators); else dc_generators (a model without a current parameter): one for all, or one per
    neuron whose amplitudes numpy draws from the kernel's seed, the same on every rank
    and for every VP split. Nothing for 0."""
    I_pA, sd = float(net["I_ext_pA"]), float(net.get("I_ext_sd_pA", 0.0))
    if not I_pA and not sd:
        return
    if model.has_I_e:
        neurons.set({model.current_input: nest.random.normal(mean=I_pA, std=sd) if sd else I_pA})
    elif not sd:
        nest.Connect(nest.Create("dc_generator", params={"amplitude": I_pA}), neurons)
    else:
        rng = np.random.default_rng([nest.rng_seed, CURRENT_STREAM])
        generators = nest.Create("dc_generator", len(neurons))
        generators.amplitude = list(rng.normal(I_pA, sd, len(neurons)))
        nest.Connect(generators, neurons, "one_to_one")


def create(nest, model: NeuronModel, net: dict, d: dict, sample: int,
           inhibitory: NeuronModel | None = None):
    """Create populations, external drive and recorders. Returns a dict of node collections.

    inhibitory: the I population's model in a two-model network (None: ``model``).

    The external input of each neuron is one Poisson process at K_ext * nu_ext (the
    superposition of K_ext independent Poisson inputs). With a ``step`` in the run,
    the rate alternates between nu_ext and step.nu_ext_Hz from step.t_ms on
    (see balance.step_times).
    """
    E = nest.Create(model.nest_model, net["N_E"], params=model.nest_params())
    if inhibitory is None:
        I = nest.Create(model.nest_model, net["N_I"], params=model.nest_params())
        neurons = E + I
        neurons.set({model.membrane_potential: nest.random.uniform(*d["V_m_init_mV"])})
        constant_current(nest, model, neurons, net)
    else:  # each population from its own model's resting range, current and parameters
        I = nest.Create(inhibitory.nest_model, net["N_I"], params=inhibitory.nest_params())
        neurons = E + I
        E.set({model.membrane_potential: nest.random.uniform(*d["V_m_init_mV"])})
        I.set({inhibitory.membrane_potential: nest.random.uniform(*d["V_m_init_I_mV"])})
        constant_current(nest, model, E, net)
        constant_current(nest, inhibitory, I, net)
    step = net.get("step")
    if net["K_ext"] == 0:
        ext = None
    elif step:
        ups, downs = step_times(step, net["t_sim_ms"])
        times = [nest.resolution] + sorted(ups + downs)
        high, low = net["K_ext"] * step["nu_ext_Hz"], d["ext_rate_total_Hz"]
        values = [low] + [high if t in ups else low for t in times[1:]]
        ext = nest.Create("inhomogeneous_poisson_generator",
                          params={"rate_times": times, "rate_values": values})
    else:
        ext = nest.Create("poisson_generator", params={"rate": d["ext_rate_total_Hz"]})
    spikes = spike_recorder(nest)
    meter = nest.Create("multimeter", params={
        "record_to": "ascii", "label": "state", "interval": 1.0,
        "record_from": [model.membrane_potential, model.excitatory.recordable, model.inhibitory.recordable],
    })
    return {"E": E, "I": I, "neurons": neurons, "ext": ext, "spikes": spikes, "meter": meter,
            "sample": sample}


def connect(nest, model: NeuronModel, net: dict, d: dict, nodes: dict,
            inhibitory: NeuronModel | None = None) -> None:
    """Fixed in-degree random connections, uniform delays, external drive, recorders.

    In a two-model network (``inhibitory``) each population's inputs carry the weights
    and receptor ports of its own model."""
    lo, hi = d["delay_ms"]
    delay = nest.random.uniform(lo, hi) if hi > lo else lo
    rule = {"allow_autapses": False, "allow_multapses": True}
    targets = ([(nodes["neurons"], model)] if inhibitory is None
               else [(nodes["E"], model), (nodes["I"], inhibitory)])
    for post, m in targets:
        w_E, r_E = nest_weight(m, "excitatory", d["G_EE_nS"])
        w_I, r_I = nest_weight(m, "inhibitory", d["G_I_nS"])
        nest.Connect(nodes["E"], post, {"rule": "fixed_indegree", "indegree": net["K_E"], **rule},
                     {"weight": w_E, "delay": delay, "receptor_type": r_E})
        nest.Connect(nodes["I"], post, {"rule": "fixed_indegree", "indegree": net["K_I"], **rule},
                     {"weight": w_I, "delay": delay, "receptor_type": r_I})
    if nodes["ext"] is not None:
        for post, m in targets:
            w_X, r_X = nest_weight(m, "excitatory", d["G_ext_nS"])
            nest.Connect(nodes["ext"], post, "all_to_all",
                         {"weight": w_X, "delay": d["delay_ms"][0], "receptor_type": r_X})
    nest.Connect(nodes["neurons"], nodes["spikes"])
    n_E, n_I = len(nodes["E"]), len(nodes["I"])
    k = nodes["sample"]
    sample = nodes["E"][: min(k, n_E)] + nodes["I"][: min(inhibitory_indegree(k), n_I)]
    nest.Connect(nodes["meter"], sample)


def run_settings(config: dict, run: str) -> dict:
    """The network section for one run: the base settings with the run's changes.

    Runs are named after network.name: "<name>" (base), "<name>-ext<rate>" (external
    rate sweep), "<name>-K<K_E>" (in-degree sweep at K_I = K_E/4, K_ext = K_E) and
    "<name>-step" (external-rate step).
    """
    net = {k: v for k, v in config["network"].items() if k not in ("sweeps", "stats", "models")}
    sweeps = config["network"].get("sweeps", {})
    base = net["name"]
    suffix = run[len(base):] if run.startswith(base) else None
    if suffix == "":
        pass
    elif suffix and suffix.startswith("-ext"):
        net["nu_ext_Hz"] = float(suffix[4:])
    elif suffix and suffix.startswith("-K"):
        k = int(suffix[2:])
        net.update(K_E=k, K_I=inhibitory_indegree(k), K_ext=k)
    elif suffix == "-step":
        net["step"] = dict(sweeps["step"])
        net["t_sim_ms"] = net["step"].get("t_sim_ms", net["t_sim_ms"])
    else:
        raise ValueError(f"unknown network run '{run}'")
    return net


def sweep_runs(config: dict) -> dict:
    """Run names per experiment: {"base": [...], "ext": [...], "K": [...], "step": [...]}.

    A sweep point whose network equals the base run's is named after the base run, so
    each distinct network is simulated once (e.g. nu_ext = 15 Hz in the external-rate
    sweep of a base run at 15 Hz)."""
    net = config["network"]
    name, sweeps = net["name"], net.get("sweeps", {})

    def point(run):
        return name if run_settings(config, run) == run_settings(config, name) else run

    return {
        "base": [name],
        "ext": [point(f"{name}-ext{float(r)}") for r in sweeps.get("nu_ext_Hz", [])],
        "K": [point(f"{name}-K{int(k)}") for k in sweeps.get("K_E", [])],
        "step": [f"{name}-step"] if sweeps.get("step") else [],
    }


def read_network_file(config: dict, model_name: str, root=".") -> dict:
    """The network parameter file with only ``model_name``'s synapses under per_model
    (a spec holds what its run needs: another model's entry does not change it). A
    variant without an entry of its own has the synapses of the model it extends
    (``extends:``, nearest first)."""
    from ..params import per_model_entry

    path = Path(root) / config["models_dir"] / f"{config['network']['parameters']}.yaml"
    with open(path) as fh:
        net_file = yaml.safe_load(fh)
    entry = per_model_entry(net_file["per_model"], Path(root) / config["models_dir"], model_name)
    if entry is None:
        raise ConfigError(f"{config['models_dir']}/{path.name}: per_model has no entry for "
                          f"'{model_name}' nor for a model it extends (its G_E, G_I, G_ext)")
    return net_file | {"per_model": {model_name: entry}}


def network_spec(config: dict, model_name: str, run: str, root=".") -> dict:
    """Everything the MPI job needs to build one network run, as plain JSON."""
    model, entries = model_spec(config, model_name, root)
    net_file = read_network_file(config, model_name, root)
    net = run_settings(config, run)
    name_I = inhibitory_model_name(net_file, model_name)
    inhibitory, entries_I = model_spec(config, name_I, root) if name_I else (None, None)
    out = entries | {
        "kind": "network",
        "run": run,
        "network_file": net_file,
        "network": net,
        "derived": derive(net_file, model, net, inhibitory),
        "kernel": dict(config["nest"]),
        "duration_ms": net["t_sim_ms"],
        "config": config,
    }
    if entries_I is not None:  # what rebuilds the I population's model in the MPI job
        out["inhibitory"] = entries_I
    return out


def inhibitory_model_name(net_file: dict, model_name: str) -> str | None:
    """The I population's model of ``model_name``'s network (its entry's
    ``inhibitory_model``), None where both populations are ``model_name``."""
    return net_file["per_model"][model_name].get("inhibitory_model")


def two_model_networks(config: dict, root=".") -> dict:
    """{model: its I population's model} for every network model of the config
    (network.models, default every model) whose network is two models (none without a
    network section)."""
    if "network" not in config:
        return {}
    out = {}
    for m in config["network"].get("models", config["models"]):
        name_I = inhibitory_model_name(read_network_file(config, m, root), m)
        if name_I:
            out[m] = name_I
    return out


def population_models(spec: dict) -> dict:
    """{"E": NeuronModel, "I": NeuronModel} of a network spec (one model for both but in
    a two-model network)."""
    model = model_from_spec(spec)
    return {"E": model, "I": model_from_spec(spec["inhibitory"]) if "inhibitory" in spec else model}


def build(nest, model: NeuronModel, spec: dict) -> Nodes:
    """Create and connect the network of ``spec``; spikes and the multimeter ("state")."""
    net, d = spec["network"], spec["derived"]
    inhibitory = model_from_spec(spec["inhibitory"]) if "inhibitory" in spec else None
    nodes = create(nest, model, net, d, net["record_sample"], inhibitory)
    connect(nest, model, net, d, nodes, inhibitory)
    return Nodes(nodes["neurons"], {"spikes": nodes["spikes"], "state": nodes["meter"]})


EXPERIMENT = Experiment(kind="network", path="network/{model}/{run}", sections=("network",),
                        spec=network_spec, build=build)
