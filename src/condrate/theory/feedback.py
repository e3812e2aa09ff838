"""Uniform-feedback check (Lecture 11, eqs. 11.34-11.37) in NEST.

An excitatory-only network in which every neuron receives K inputs through the same
synapse, weight W_o = c G_o tau (E_ex - v_theta - E_L) (pC). With f = beta [.]_+ the
population rate obeys r = beta [K W_o r - theta]_+; the loop gain kappa = K beta W_o
(the lecture's N beta W_o, N inputs per neuron) sets the transition at kappa = 1:

    r_o = theta / (K W_o - 1/beta) = beta theta / (kappa - 1)   if kappa > 1, else 0.

Rest is a stable fixed point on both sides (theta > 0); the nonzero one is unstable
(slope kappa > 1): it is the rate above which activity ignites. A spiking network
cannot sit on an unstable point, so one NEST run measures it two ways:

* open loop: unconnected neurons driven by K independent Poisson inputs of peak G_o at
  rate r on a grid give F(r); the self-consistent rates are the roots of F(r) = r, the
  threshold where F crosses r from below (the effective-transfer-function method);
* closed loop: per kappa, a network of N neurons with fixed in-degree K starts at rest
  and receives a current pulse that alone would drive it at kick.rate_Hz; the rate
  after the pulse shows whether activity persists (kappa > 1) or dies (kappa < 1).
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from ..io import read_json
from ..nestrun.recorders import spike_recorder
from ..network.experiment import network_spec
from ..params import NeuronModel, model_from_spec, nest_weight
from ..protocol import Experiment, Nodes
from ..spiketrains import mean_sem
from ..synapses import network_inputs
from . import rate_model as rt


def recurrent_synapses(model: NeuronModel, K: int, G_nS: float) -> dict:
    """The input streams of an E-only network: K recurrent E inputs of peak G_nS, no
    inhibitory and no external input."""
    return network_inputs(model, {"G_EE_nS": G_nS, "G_I_nS": 0.0, "G_ext_nS": 0.0},
                          {"K_E": K, "K_I": 0, "K_ext": 0})


def design(c: dict, model: NeuronModel, p: dict) -> list[dict]:
    """Per loop gain kappa = K beta W_o: G_o (nS), W_o (pC), predicted r_o (Hz) and the
    kick current (pA).

    p: rate_model.threshold_params (beta, theta, v_theta). W_o = c G_o tau (E_ex -
    v_theta - E_L) is linear in G_o, so G_o = kappa / (K beta W_o(1 nS)). The kick is
    the current that alone drives an isolated neuron at kick.rate_Hz on the
    threshold-linear f: theta + rate / beta."""
    beta, theta = p["beta_Hz_per_pA"], p["theta_pA"]
    W_per_nS = recurrent_synapses(model, 1, 1.0)["E"].weight_pC(p["v_theta_mV"], model.E_L_mV)
    if beta <= 0 or W_per_nS <= 0:
        raise ConfigError(
            f"theory.feedback: {model.name} has beta = {beta:.4g} Hz/pA and W_o per nS = "
            f"{W_per_nS:.4g} pC from its f-I fit; a loop gain needs both > 0 "
            "(E_ex - v_theta - E_L > 0)")
    out = []
    for kappa in c["loop_gain"]:
        G = kappa / (c["K"] * beta * W_per_nS)
        out.append({"loop_gain": float(kappa), "G_o_nS": G, "W_o_pC": G * W_per_nS,
                    "r_o_linear_Hz": rt.uniform_feedback_rate(theta, c["K"], G * W_per_nS, beta),
                    "kick_pA": theta + c["kick"]["rate_Hz"] / beta})
    return out


def layout(c: dict, n_gains: int) -> dict:
    """Node order: open-loop neurons (gain-major, then rate, then repeat), then one
    network of N neurons per gain. Returns index arrays per part."""
    n_rates, reps = len(c["rates_Hz"]), c["neurons_per_rate"]
    n_open = n_gains * n_rates * reps
    return {
        "open_gain": np.repeat(np.arange(n_gains), n_rates * reps),
        "open_rate": np.tile(np.repeat(np.asarray(c["rates_Hz"], float), reps), n_gains),
        "n_open": n_open,
        "network_start": [n_open + g * c["N"] for g in range(n_gains)],
        "n_total": n_open + n_gains * c["N"],
    }


def create_feedback(nest, model: NeuronModel, c: dict, gains: list[dict], delay_ms: float):
    """All neurons, their Poisson drive, the networks, the kicks and one spike recorder."""
    lay = layout(c, len(gains))
    neurons = nest.Create(model.nest_model, lay["n_total"], params=model.nest_params())
    neurons.V_m = model.E_L_mV
    n_rates, reps = len(c["rates_Hz"]), c["neurons_per_rate"]
    kick = c["kick"]
    for g, gain in enumerate(gains):
        w, receptor = nest_weight(model, "excitatory", gain["G_o_nS"])
        syn = {"weight": w, "receptor_type": receptor, "delay": delay_ms}
        for j, rate in enumerate(c["rates_Hz"]):
            first = (g * n_rates + j) * reps
            pg = nest.Create("poisson_generator", params={"rate": c["K"] * float(rate)})
            nest.Connect(pg, neurons[first:first + reps], syn_spec=syn)
        start = lay["network_start"][g]
        net = neurons[start:start + c["N"]]
        nest.Connect(net, net, {"rule": "fixed_indegree", "indegree": c["K"],
                                "allow_autapses": False}, syn)
        dc = nest.Create("dc_generator", params={
            "amplitude": gain["kick_pA"], "start": kick["t_ms"],
            "stop": kick["t_ms"] + kick["duration_ms"]})
        nest.Connect(dc, net)
    recorder = spike_recorder(nest)
    nest.Connect(neurons, recorder)
    return Nodes(neurons, {"spikes": recorder})


def measured_rates(spec: dict, spikes) -> dict:
    """Open-loop F(r) per gain (mean, s.e.m. over neurons) and closed-loop rates per
    gain before, during and after the kick (mean, s.e.m. over the network's neurons).
    spikes: SpikeTrains of the run."""
    c, n_gains = spec["feedback"], len(spec["gains"])
    lay = layout(c, n_gains)
    rates = spikes.rates_Hz
    open_r = rates(c["t_warmup_ms"], c["t_sim_ms"])[: lay["n_open"]]
    open_r = open_r.reshape(n_gains, len(c["rates_Hz"]), c["neurons_per_rate"])
    kick_end = c["kick"]["t_ms"] + c["kick"]["duration_ms"]
    windows = {"before_kick": (c["t_warmup_ms"], c["kick"]["t_ms"]),
               "during_kick": (c["kick"]["t_ms"], kick_end),
               "after_kick": (kick_end + c["settle_ms"], c["t_sim_ms"])}
    closed = {}
    for name, (t0, t1) in windows.items():
        r = rates(t0, t1)
        mean, sem = mean_sem(np.stack([r[s:s + c["N"]] for s in lay["network_start"]]))
        closed[name] = {"rate_Hz": mean.tolist(), "sem_Hz": sem.tolist()}
    open_mean, open_sem = mean_sem(open_r)
    return {"rates_in_Hz": list(map(float, c["rates_Hz"])),
            "open_rate_Hz": open_mean.tolist(), "open_sem_Hz": open_sem.tolist(),
            "closed": closed}


def threshold_crossing(r_in, r_out, sem):
    """The lowest rate where F(r) - r changes from negative to positive (Hz), by linear
    interpolation, with its s.e.m. from the bracketing points.

    Returns (0, 0) if F(r) < r on the whole grid (rest is the only fixed point there)
    and (None, None) if F(r) > r already at the lowest grid rate (not resolved)."""
    r_in, sem = np.asarray(r_in, float), np.asarray(sem, float)
    d = np.asarray(r_out, float) - r_in
    if d[0] > 0:
        return None, None
    up = np.flatnonzero((d[:-1] <= 0) & (d[1:] > 0))
    if not up.size:
        return 0.0, 0.0
    a = up[0]
    w = -d[a] / (d[a + 1] - d[a])
    r = r_in[a] + w * (r_in[a + 1] - r_in[a])
    slope = (d[a + 1] - d[a]) / (r_in[a + 1] - r_in[a])
    return float(r), float(np.hypot((1 - w) * sem[a], w * sem[a + 1]) / abs(slope))


def feedback_params(p: dict, model: NeuronModel, c: dict, gain: dict) -> dict:
    """rate_model parameters of one E-only network: only the recurrent E pathway."""
    KW = c["K"] * gain["W_o_pC"]
    return p | {"synapses": recurrent_synapses(model, c["K"], gain["G_o_nS"]),
                "W_pC": [[KW, 0.0], [KW, 0.0]], "W_ext_pC": [0.0, 0.0]}


def settle(points: list[dict], F, r0: float):
    """Rate the 1-D dynamics tau dr/dt = F(r) - r reach from r0: the nearest stable
    fixed point in the direction of F(r0) - r0; None if there is none (runaway)."""
    up = F(r0) > r0
    stable = sorted(q["rates_Hz"][0] for q in points if q["stable"])
    ahead = [r for r in stable if r > r0] if up else [r for r in stable if r <= r0]
    if not ahead:
        return None if up else 0.0
    return ahead[0] if up else ahead[-1]


def feedback_spec(config: dict, model_name: str, fit, root=".") -> dict:
    """Spec of the uniform-feedback run: the model, the kernel, the design per gain.

    fit: the f-I stage's threshold_fit.json (path); its deterministic fit designs G_o."""
    fit = read_json(fit)["deterministic"]
    spec = network_spec(config, model_name, config["network"]["name"], root)
    model = model_from_spec(spec)
    c = config["theory"]["feedback"]
    spec.update(kind="feedback", run="feedback", feedback=c, duration_ms=c["t_sim_ms"],
                gains=design(c, model, rt.threshold_params(model, fit)))
    return spec


def threshold_root(points: list[dict]) -> float:
    """The ignition threshold: the lowest unstable fixed point (Hz); 0 if there is
    none (rest is the only fixed point: eq. 11.37's r_o = 0 below the transition)."""
    unstable = [q["rates_Hz"][0] for q in points if not q["stable"]]
    return min(unstable) if unstable else 0.0


def predictions(p: dict, model: NeuronModel, c: dict, gain: dict) -> dict:
    """Threshold (unstable fixed point), the state during the kick and the state after
    it, for the threshold-linear and the fluctuation-aware f; nothing from the network.

    During the kick the kick current adds to every neuron's input: the network goes
    from rest to the nearest stable fixed point of F(r; I_kick). After the kick it
    settles from there on F(r; 0). None: no stable state (the linear f runs away)."""
    pf = feedback_params(p, model, c, gain)
    kick = gain["kick_pA"]

    def F_lin(r, I_pA=0.0):
        return float(rt.f_linear(rt.drive(pf, [r, r], 0.0, I_pA)[0], pf["beta_Hz_per_pA"]))

    def F_flu(r, I_pA=0.0):
        return rt.fluct_rate(model, pf, r, 0.0, 0.0, I_pA, own_rate_Hz=r)

    out = {"threshold_linear_Hz": gain["r_o_linear_Hz"], "F_linear": F_lin, "F_fluct": F_flu}
    for name, F, points in (
            ("linear", F_lin, lambda I: rt.linear_fixed_points(pf, 0.0, I)),
            ("fluct", F_flu, lambda I: rt.fluct_fixed_points(pf, model, 0.0, I))):
        rest, kicked = points(0.0), points(kick)
        during = settle(kicked, lambda r: F(r, kick), 0.0)
        out[f"during_kick_{name}_Hz"] = during
        out[f"after_kick_{name}_Hz"] = None if during is None else settle(rest, F, during)
        if name == "fluct":
            out["threshold_fluct_Hz"] = threshold_root(rest)
            out["fixed_points_fluct"] = rest
    return out


def build(nest, model: NeuronModel, spec: dict) -> Nodes:
    return create_feedback(nest, model, spec["feedback"], spec["gains"],
                           spec["derived"]["delay_ms"][0])


EXPERIMENT = Experiment(kind="feedback", path="theory/{model}/feedback",
                        sections=("network", "theory.feedback"), spec=feedback_spec,
                        build=build,
                        inputs={"fit": "results/fi/{model}/threshold_fit.json"})
