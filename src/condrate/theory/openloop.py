"""Open-loop verification: unconnected neurons driven by independent Poisson E, I and
external inputs at fixed rates, with the network's in-degrees and peak conductances.

Each condition (r_E, r_I, nu_ext) drives ``reps`` neurons; a poisson_generator at
K r sends an independent train to each of them. Two sets of conditions: the config's
grid, and the network's own operating point (the base network run's simulated r_E,
r_I at its nu_ext) with conditions around it (r_E and r_I scaled by the config's
factors), where the neurons fire in the fluctuation-driven 1-50 Hz band.

The semi-analytic f (iii) is calibrated on a run of its own (CALIBRATION,
theory/<model>/calibration): unconnected neurons at the conditions of a grid that the
config fixes (``openloop.calibration``), disjoint from every judged condition and built
from nothing of a network run.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..io import read_json
from ..nestrun.recorders import spike_recorder
from ..network.experiment import network_spec
from ..params import NeuronModel, nest_weight
from ..protocol import Experiment, Nodes
from ..spiketrains import mean_sem


def _around(op: dict, around: dict) -> list[tuple]:
    """(factor_E, factor_I, r_E, r_I, nu_ext) around the operating point ``op``."""
    return [(fe, fi, fe * op["r_E_Hz"], fi * op["r_I_Hz"], op["nu_ext_Hz"])
            for fe, fi in itertools.product(around["E_factors"], around["I_factors"])]


def openloop_conditions(c: dict, operating_point: dict | None = None) -> list[tuple]:
    """(set, r_E, r_I, nu_ext) of every judged condition: the grid; the operating point
    (factors 1, 1) and the points around it. operating_point: {r_E_Hz, r_I_Hz,
    nu_ext_Hz} of the network, None for no conditions around it."""
    conds = [("grid", *x) for x in itertools.product(c["rates_E_Hz"], c["rates_I_Hz"],
                                                      c["nu_ext_Hz"])]
    op, around = operating_point, c.get("around_operating_point")
    if op is not None and around:
        conds += [("operating_point" if (fe, fi) == (1.0, 1.0) else "near_operating_point",
                   *x) for fe, fi, *x in _around(op, around)]
    return conds


def calibration_conditions(c: dict) -> list[tuple]:
    """(set, r_E, r_I, nu_ext) of the calibration grid of the semi-analytic f (iii):
    the config's alone (``openloop.calibration``), never judged."""
    cal = c["calibration"]
    return [("calibration", *x) for x in itertools.product(
        cal["rates_E_Hz"], cal["rates_I_Hz"], cal["nu_ext_Hz"])]


def condition_distances(judged: list[tuple], calibration: list[tuple]) -> dict:
    """How far the judged conditions lie from the calibration conditions: per judged
    condition the Euclidean distance (Hz) in (r_E, r_I, nu_ext) to the nearest
    calibration condition; the minimum and the median over the judged ones."""
    a = np.array([x[-3:] for x in judged], float)
    b = np.array([x[-3:] for x in calibration], float)
    d = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    return {"min_Hz": float(d.min()), "median_Hz": float(np.median(d)), "n_judged": len(a),
            "n_calibration": len(b)}


def operating_point(stats: dict) -> dict:
    """The network's simulated operating point from its stats.json."""
    pops = stats["populations"]
    return {"r_E_Hz": pops["E"]["rate_Hz"], "r_I_Hz": pops["I"]["rate_Hz"],
            "nu_ext_Hz": stats["network"]["nu_ext_Hz"]}


def openloop_table(conditions: list[tuple], neurons_per_condition: int) -> dict:
    """One row per neuron: condition index, set, r_E, r_I, nu_ext (Hz)."""
    rows = {"condition": [], "set": [], "r_E_Hz": [], "r_I_Hz": [], "nu_ext_Hz": []}
    for k, (kind, rE, rI, nu) in enumerate(conditions):
        for _ in range(neurons_per_condition):
            rows["condition"].append(k)
            rows["set"].append(kind)
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
    out = {"condition": [], "set": [], "r_E_Hz": [], "r_I_Hz": [], "nu_ext_Hz": [],
           "rate_Hz": [], "sem_Hz": []}
    for k in np.unique(cond):
        idx = np.flatnonzero(cond == k)
        out["condition"].append(int(k))
        for key in ("set", "r_E_Hz", "r_I_Hz", "nu_ext_Hz"):
            out[key].append(table[key][idx[0]])
        mean, sem = mean_sem(rates[idx])
        out["rate_Hz"].append(float(mean))
        out["sem_Hz"].append(float(sem))
    return out


def openloop_spec(config: dict, model_name: str, root=".", base_stats=None) -> dict:
    """Spec of the open-loop run: the base network's synapses, the theory grid and, with
    base_stats (the base network run's stats.json), the conditions at and around its
    operating point."""
    spec = network_spec(config, model_name, config["network"]["name"], root)
    c = config["theory"]["openloop"]
    op = operating_point(read_json(base_stats)) if base_stats else None
    spec.update(kind="openloop", run="openloop",
                table=openloop_table(openloop_conditions(c, op), c["neurons_per_condition"]),
                duration_ms=c["t_sim_ms"], openloop=c, operating_point=op)
    return spec


def calibration_spec(config: dict, model_name: str, root=".") -> dict:
    """Spec of the calibration run of the semi-analytic f (iii): the base network's
    synapses and in-degrees (from the config), the calibration grid; no network run."""
    spec = network_spec(config, model_name, config["network"]["name"], root)
    c = config["theory"]["openloop"]
    n = c["calibration"].get("neurons_per_condition", c["neurons_per_condition"])
    spec.update(kind="calibration", run="calibration",
                table=openloop_table(calibration_conditions(c), n),
                duration_ms=c["t_sim_ms"], openloop=c, operating_point=None)
    return spec


def calibration_inhibitory_spec(config: dict, model_name: str, root=".") -> dict:
    """Spec of the calibration run of (iii) for the I population of ``model_name``'s
    two-model network: calibration_spec's grid, synapses and in-degrees, on neurons of
    the I population's model (the network file's inhibitory_model)."""
    from ..network.experiment import inhibitory_model_name
    from ..params import model_spec

    spec = calibration_spec(config, model_name, root)
    name_I = inhibitory_model_name(spec["network_file"], model_name)
    if name_I is None:
        raise ValueError(f"{model_name}'s network is one model: it has no I-population "
                         "calibration")
    _, entries = model_spec(config, name_I, root)
    spec.pop("inhibitory")
    return spec | entries | {"run": "calibration_inhibitory", "population": "I",
                             "network_model": model_name}


def build(nest, model: NeuronModel, spec: dict) -> Nodes:
    return create_openloop(nest, model, spec["table"], spec["network"], spec["derived"])


EXPERIMENT = Experiment(kind="openloop", path="theory/{model}/openloop",
                        sections=("network", "theory.openloop"), spec=openloop_spec,
                        build=build,
                        inputs={"base_stats": "results/network/{model}/{network}/stats.json"})
CALIBRATION = Experiment(kind="calibration", path="theory/{model}/calibration",
                         sections=("network", "theory.openloop"), spec=calibration_spec,
                         build=build)
CALIBRATION_INHIBITORY = Experiment(
    kind="calibration_inhibitory", path="theory/{model}/calibration_inhibitory",
    sections=("network", "theory.openloop"), spec=calibration_inhibitory_spec, build=build)
