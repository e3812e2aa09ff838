"""f-I curves under added membrane conductance: grid, NEST network, rates.

Two conditions add the same mean conductance Delta_g (nS) on top of the leak g_L^o:
  deterministic: Delta_g is added to the leak conductance itself (reversal E_L),
                 a pure shunt: g_L^total = g_L^o + Delta_g as in the derivation;
  noisy:         Delta_g arrives as independent excitatory + inhibitory Poisson
                 conductance whose mean current at V = E_L is zero (a balanced,
                 high-conductance input as in Chance, Abbott & Reyes 2002).
The injected current of each neuron is I = g_L^total * u (pA) with u on a grid in mV,
so every conductance level spans its own threshold equally.
"""

from __future__ import annotations

import numpy as np

from ..nestrun.recorders import spike_recorder
from ..params import NeuronModel, model_spec, nest_weight
from ..protocol import Experiment, Nodes
from ..units import MS_PER_S


def fi_table(model: NeuronModel, conditions, delta_g_nS, drive_mV) -> dict:
    """The neuron grid, one entry per neuron, as a dict of equal-length lists.

    delta_g_nS: added conductance levels (nS); drive_mV: {start, stop, num} for u (mV).
    Returns columns condition, delta_g_nS, g_total_nS, drive_mV, I_pA.
    """
    u = np.linspace(drive_mV["start"], drive_mV["stop"], int(drive_mV["num"]))
    cols = {k: [] for k in ("condition", "delta_g_nS", "g_total_nS", "drive_mV", "I_pA")}
    for cond in conditions:
        for dg in delta_g_nS:
            g_tot = model.g_L_nS + float(dg)
            cols["condition"] += [cond] * len(u)
            cols["delta_g_nS"] += [float(dg)] * len(u)
            cols["g_total_nS"] += [g_tot] * len(u)
            cols["drive_mV"] += [float(x) for x in u]
            cols["I_pA"] += [float(x) for x in np.round(g_tot * u, 6)]
    return cols


def balanced_noise(model: NeuronModel, delta_g_nS: float, quantal_nS: dict) -> dict:
    """Poisson rates giving mean conductance ``delta_g_nS`` with zero mean current at E_L.

    Solves g_e + g_i = Delta_g and g_e (E_e - E_L) + g_i (E_i - E_L) = 0 for the mean
    conductances (nS), then rate = g / (c G tau) with c the shape's charge factor,
    G the quantal peak conductance (nS) and tau (ms). Rates in Hz.
    """
    ex, inh, E_L = model.excitatory, model.inhibitory, model.E_L_mV
    span = ex.E_rev_mV - inh.E_rev_mV
    g_e = delta_g_nS * (E_L - inh.E_rev_mV) / span
    g_i = delta_g_nS * (ex.E_rev_mV - E_L) / span
    out = {"g_e_nS": g_e, "g_i_nS": g_i}
    for kind, g, syn in (("excitatory", g_e, ex), ("inhibitory", g_i, inh)):
        G = quantal_nS[kind]
        out[f"rate_{kind}_Hz"] = MS_PER_S * g / (syn.charge_factor * G * syn.tau_ms)
        out[f"G_{kind}_nS"] = G
    return out


def set_per_neuron(nest, nodes, name: str, values) -> None:
    """Set one value per node; under MPI each rank sets only the nodes it owns.

    ``nodes`` must be one contiguous block of node ids, ``values`` in its order.
    """
    local = nest.GetLocalNodeCollection(nodes)
    if len(local) == 0:
        return
    idx = np.asarray(local.tolist()) - nodes[0].global_id
    local.set({name: np.asarray(values, dtype=float)[idx].tolist()})


def create_fi(nest, model: NeuronModel, table: dict, noise: dict):
    """Create the unconnected f-I neurons, their drive and a spike recorder.

    noise: {str(delta_g): balanced_noise(...)} for the noisy condition.
    Returns :class:`~condrate.protocol.Nodes`.
    """
    n = len(table["I_pA"])
    neurons = nest.Create(model.nest_model, n, params=model.nest_params())
    cond = np.asarray(table["condition"])
    dg = np.asarray(table["delta_g_nS"])
    leak = model.g_L_nS + np.where(cond == "deterministic", dg, 0.0)
    set_per_neuron(nest, neurons, model.leak_conductance, leak)
    neurons.set({model.membrane_potential: model.E_L_mV})
    if model.has_I_e:
        set_per_neuron(nest, neurons, model.current_input, table["I_pA"])
    else:  # no current parameter (roles.current_input null)
        dc = nest.Create("dc_generator", n, params={"amplitude": list(table["I_pA"])})
        nest.Connect(dc, neurons, "one_to_one")
    for level, spec in noise.items():
        idx = np.flatnonzero((cond == "noisy") & (dg == float(level)))
        if len(idx) == 0 or float(level) == 0.0:
            continue
        targets = neurons[idx.tolist()]
        for kind in ("excitatory", "inhibitory"):
            # one poisson_generator sends an independent train to every target
            pg = nest.Create("poisson_generator", params={"rate": spec[f"rate_{kind}_Hz"]})
            weight, receptor = nest_weight(model, kind, spec[f"G_{kind}_nS"])
            nest.Connect(pg, targets, syn_spec={"weight": weight, "receptor_type": receptor})
    recorder = spike_recorder(nest)
    nest.Connect(neurons, recorder)
    return Nodes(neurons, {"spikes": recorder})


def fi_spec(config: dict, model_name: str, root=".") -> dict:
    """Everything the MPI job needs to build the f-I grid of one model, as plain JSON."""
    model, entries = model_spec(config, model_name, root)
    c = config["fi"]
    return entries | {
        "kind": "fi",
        "table": fi_table(
            model, c["conditions"], c["delta_g_nS"], c["per_model"][model_name]["drive_mV"]
        ),
        "fit_band_Hz": c["per_model"][model_name]["fit_band_Hz"],
        "noise": {
            str(float(dg)): balanced_noise(model, float(dg), c["noise_quantal_nS"])
            for dg in c["delta_g_nS"]
        },
        "kernel": dict(config["nest"]),
        "duration_ms": c["duration_ms"],
        "warmup_ms": c["warmup_ms"],
        "config": config,
    }


FI_COLUMNS = ("condition", "delta_g_nS", "g_total_nS", "drive_mV", "I_pA", "n_spikes", "rate_Hz")


def fi_curves(spec: dict, spikes) -> dict:
    """Rates of every grid neuron from its spikes after the warm-up (to the run's end).

    spikes: :class:`~condrate.spiketrains.SpikeTrains`. Returns the grid columns plus
    n_spikes and rate_Hz (Hz), one entry per neuron.
    """
    table = spec["table"]
    n = len(table["I_pA"])
    t0, t1 = float(spec["warmup_ms"]), float(spec["duration_ms"])
    if spikes.n_neurons != n or (spikes.index.size and (spikes.index.min() < 0
                                                        or spikes.index.max() >= n)):
        raise ValueError("spike senders outside the f-I grid")
    out = {k: list(table[k]) for k in FI_COLUMNS[:5]}
    out["n_spikes"] = spikes.counts(t0).tolist()
    out["rate_Hz"] = spikes.rates_Hz(t0, t1, to_end=True).tolist()
    return out


def build(nest, model: NeuronModel, spec: dict) -> Nodes:
    """The f-I grid of ``spec`` in NEST (see create_fi)."""
    return create_fi(nest, model, spec["table"], spec["noise"])


EXPERIMENT = Experiment(kind="fi", path="fi/{model}", sections=("fi",), spec=fi_spec,
                        build=build)
