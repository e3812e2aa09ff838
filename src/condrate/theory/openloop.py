"""Open-loop verification: unconnected neurons driven by independent Poisson E, I and
external inputs at fixed rates, with the network's in-degrees and peak conductances.

Each condition (r_E, r_I, nu_ext) drives ``reps`` neurons; a poisson_generator at
K r sends an independent train to each of them.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..nestrun.recorders import spike_recorder
from ..network.experiment import network_spec
from ..params import NeuronModel, nest_weight
from ..protocol import Experiment, Nodes
from ..spiketrains import mean_sem


def openloop_table(c: dict) -> dict:
    """One row per neuron: condition index, r_E, r_I, nu_ext (Hz)."""
    conds = list(itertools.product(c["rates_E_Hz"], c["rates_I_Hz"], c["nu_ext_Hz"]))
    rows = {"condition": [], "r_E_Hz": [], "r_I_Hz": [], "nu_ext_Hz": []}
    for k, (rE, rI, nu) in enumerate(conds):
        for _ in range(c["neurons_per_condition"]):
            rows["condition"].append(k)
            rows["r_E_Hz"].append(float(rE))
            rows["r_I_Hz"].append(float(rI))
            rows["nu_ext_Hz"].append(float(nu))
    return rows


def create_openloop(nest, model: NeuronModel, table: dict, net: dict, d: dict):
    """Neurons, their three Poisson sources per condition, and a spike recorder."""
    n = len(table["condition"])
    neurons = nest.Create(model.nest_model, n, params=model.nest_params())
    neurons.V_m = model.E_L_mV
    cond = np.asarray(table["condition"])
    sources = (("r_E_Hz", "K_E", "excitatory", d["G_EE_nS"]),
               ("r_I_Hz", "K_I", "inhibitory", d["G_I_nS"]),
               ("nu_ext_Hz", "K_ext", "excitatory", d["G_ext_nS"]))
    for k in np.unique(cond):
        idx = np.flatnonzero(cond == k)
        targets = neurons[idx.tolist()]
        for rate_key, k_key, kind, G in sources:
            rate = net[k_key] * table[rate_key][idx[0]]
            if rate <= 0:
                continue
            pg = nest.Create("poisson_generator", params={"rate": rate})
            w, receptor = nest_weight(model, kind, G)
            nest.Connect(pg, targets, syn_spec={"weight": w, "receptor_type": receptor,
                                                "delay": d["delay_ms"][0]})
    recorder = spike_recorder(nest)
    nest.Connect(neurons, recorder)
    return Nodes(neurons, {"spikes": recorder})


def condition_rates(spec: dict, spikes) -> dict:
    """Per condition: rates, mean and s.e.m. over its neurons (Hz), counting spikes
    from the warm-up to the end of the run. spikes: SpikeTrains of the run."""
    table = spec["table"]
    rates = spikes.rates_Hz(spec["openloop"]["t_warmup_ms"], spec["duration_ms"], to_end=True)
    cond = np.asarray(table["condition"])
    out = {"condition": [], "r_E_Hz": [], "r_I_Hz": [], "nu_ext_Hz": [], "rate_Hz": [],
           "sem_Hz": []}
    for k in np.unique(cond):
        idx = np.flatnonzero(cond == k)
        out["condition"].append(int(k))
        for key in ("r_E_Hz", "r_I_Hz", "nu_ext_Hz"):
            out[key].append(table[key][idx[0]])
        mean, sem = mean_sem(rates[idx])
        out["rate_Hz"].append(float(mean))
        out["sem_Hz"].append(float(sem))
    return out


def openloop_spec(config: dict, model_name: str, root=".") -> dict:
    """Spec of the open-loop run: the base network's synapses, the theory grid."""
    spec = network_spec(config, model_name, config["network"]["name"], root)
    c = config["theory"]["openloop"]
    spec.update(kind="openloop", run="openloop", table=openloop_table(c),
                duration_ms=c["t_sim_ms"], openloop=c)
    return spec


def build(nest, model: NeuronModel, spec: dict) -> Nodes:
    return create_openloop(nest, model, spec["table"], spec["network"], spec["derived"])


EXPERIMENT = Experiment(kind="openloop", path="theory/{model}/openloop",
                        sections=("network", "theory.openloop"), spec=openloop_spec,
                        build=build, analyse=condition_rates)
