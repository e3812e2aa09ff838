"""Self-consistent closed loop (iv) of a two-model network: an E pool and an I pool,
each of its own model's neurons; nothing from the network run.

The one-model loop (condrate.theory.selfconsistent) lets one pool stand for both
populations (r_E = r_I). When the I population is another model (the network file's
``inhibitory_model``, e.g. the RS-FS AdEx network) the two rates differ, and the loop
solves two equations, r_E = F_E(r_E, r_I) and r_I = F_I(r_E, r_I). Every generation
runs, per external rate, a grid of input-rate pairs around the last estimate (levels x
levels; axis a at centre_a exp(halfwidth x), x evenly from -1 to 1); at every pair N
neurons of the E model and N of the I model, each driven by K_E trains of the E pool
replayed at r_E, K_I trains of the I pool replayed at r_I (the one-model loop's replay:
drawn trains stretched to the rate, randomly shifted) and the network's Poisson drive.
F_E and F_I are the two models' mean outputs at the pairs; a fit of each over the grid,
ln F quadratic in the input rates (local_root: 6 coefficients from levels^2 >= 9
pairs), gives r* as the fixed point of the fitted pair (a Newton step of the two equations, which an
inhibition-dominated loop needs as the one-model loop needs its ladder). Inside the
grid r* is bracketed and the next grid narrows by half around it; outside, the next
grid is centred on r* kept within a factor exp(2 halfwidth) of the grid, twice as wide
(capped at the first generation's width). The E and I trains of the pair whose outputs
are nearest r* are the next generation's pools. Neuron j of every pair, external rate
and population gets the same draws (sources and shifts): the F differ by the rates, not
by the draw.

A group may carry its own inhibition, ``G_I_nS``, and per population its own NEST
parameters, ``nest_params: {"E": {...}, "I": {...}}`` (a validity-map point:
condrate.map.experiment).

Neurons: the E model's first, index (a * P + p) * N + j for external rate a, pair p,
neuron j; then the I model's, the same index plus A * P * N. Times in ms, rates in Hz.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ConfigError
from ..nestrun.recorders import spike_recorder
from ..network.experiment import constant_current, population_models
from ..params import nest_weight
from ..protocol import Nodes
from ..units import MS_PER_S
from .selfconsistent import (
    STAT_KEYS,
    block_stats,
    draws,
    neuron_measures,
    next_halfwidth,
    next_pool,
    replay_times,
)

POPS = ("E", "I")
GROUP_KEYS = ("center_Hz", "halfwidth", "pairs_Hz", "pool")  # a group's per-generation keys
# the streams of recurrent input: (population of the pool, in-degree key, receptor kind)
STREAMS = (("E", "K_E", "excitatory"), ("I", "K_I", "inhibitory"))


def grid(center_Hz, halfwidth: float, levels: int) -> list[list[float]]:
    """The input-rate pairs [r_E, r_I] (Hz) around center_Hz = [c_E, c_I]: each axis
    c exp(halfwidth x), x evenly from -1 to 1; r_E varies slowest."""
    x = np.linspace(-1, 1, levels)
    return [[float(center_Hz[0] * math.exp(halfwidth * u)),
             float(center_Hz[1] * math.exp(halfwidth * v))] for u in x for v in x]


def is_pair(spec: dict) -> bool:
    """Whether a self-consistent generation's spec is the two-model loop's."""
    return "pairs_Hz" in spec["groups"][0]


def layout(spec: dict) -> tuple[int, int, int]:
    """(external rates, pairs, neurons per pair and population) of a generation."""
    return len(spec["groups"]), len(spec["groups"][0]["pairs_Hz"]), spec["neurons_per_level"]


def pair_index(spec: dict, pop: str, a: int, p: int) -> np.ndarray:
    """Neuron indices (0-based) of population pop's model at external rate a, pair p."""
    A, P, N = layout(spec)
    start = (A * P * N if pop == "I" else 0) + (a * P + p) * N
    return np.arange(start, start + N)


def pair_stats(spec: dict, spikes) -> dict:
    """Per population, external rate and pair: block_stats of its neurons (rates Hz,
    their mean and s.e.m., mean ISI CV and Fano factor)."""
    measures = neuron_measures(spec, spikes)
    A, P, _ = layout(spec)
    out = {"nu_ext_Hz": [g["nu_ext_Hz"] for g in spec["groups"]],
           "pairs_Hz": [g["pairs_Hz"] for g in spec["groups"]]}
    for pop in POPS:
        blocks = [[block_stats(measures, pair_index(spec, pop, a, p)) for p in range(P)]
                  for a in range(A)]
        out[pop] = {key: [[b[key] for b in row] for row in blocks] for key in STAT_KEYS}
    return out


def local_root(pairs_Hz, out_E, out_I, halfwidth: float,
               floor_Hz: float) -> tuple[list[float], bool]:
    """(r* = [r_E, r_I], bracketed) of the grid's outputs (Hz): each population's
    log output fitted as a quadratic in the input rates about the grid's centre m,
    ln(F_a + floor) ~ q_a(r - m) (least squares, 6 coefficients over the levels^2 >= 9
    pairs), and r* the solution of ln(r + floor) = q(r - m) nearest the centre (scipy's
    root finder from the centre, then from the corners).
    The log: in the fluctuation-driven regime F rises and falls about exponentially
    with the input rates (a factor 50 across one generation-0 grid of the RS-FS
    network), which an affine F does not follow; the quadratic: across a grid of
    +-35 % the log output still bends (an affine log fit misses the centre's output
    by a third and its r* drifts from generation to generation); floor (a neuron's one
    spike in the counting window) keeps silent pairs finite. Bracketed: r* lies inside
    the grid on both axes; otherwise it is kept within a factor exp(2 halfwidth) of the
    grid. Where the fitted pair has no fixed point, r* is one plain step of the loop
    from the centre (the fit's F there), kept as near, and not bracketed."""
    from scipy import optimize

    r = np.asarray(pairs_Hz, float)
    lo, hi = r.min(axis=0), r.max(axis=0)
    center = np.sqrt(lo * hi)

    def terms(x):  # the quadratic's terms of x = r - centre, (n, 6)
        x = np.atleast_2d(x)
        return np.column_stack([np.ones(len(x)), x, x[:, 0] ** 2, x[:, 0] * x[:, 1],
                                x[:, 1] ** 2])

    Y = np.log(np.column_stack([out_E, out_I]) + floor_Hz)
    coef = np.linalg.lstsq(terms(r - center), Y, rcond=None)[0]  # (6, 2)

    def g(x):
        return np.log(np.maximum(x, 0.0) + floor_Hz) - (terms(x - center) @ coef)[0]

    root = None
    for start in [center] + [np.array([u, v]) for u in (lo[0], hi[0]) for v in (lo[1], hi[1])]:
        sol = optimize.root(g, start)
        if sol.success and np.all(sol.x > 0) and np.allclose(g(sol.x), 0.0, atol=1e-8):
            root = sol.x
            break
    if root is None:  # no fixed point of the local model: one plain step of the loop,
        # r <- F(centre) from the fit, kept near the grid; never bracketed
        step = np.exp((terms(np.zeros(2)) @ coef)[0]) - floor_Hz
        step = np.clip(step, lo * math.exp(-2 * halfwidth), hi * math.exp(2 * halfwidth))
        return [float(x) for x in step], False
    bracketed = bool(np.all((root >= lo) & (root <= hi)))
    root = np.clip(root, lo * math.exp(-2 * halfwidth), hi * math.exp(2 * halfwidth))
    return [float(x) for x in root], bracketed


def rate_floor_Hz(spec: dict) -> float:
    """A neuron's one spike in the counting window (Hz): local_root's floor."""
    return MS_PER_S / (spec["duration_ms"] - spec["selfconsistent"]["t_warmup_ms"])


def nearest_pair(out_E, out_I, root_Hz) -> int:
    """The pair whose outputs are nearest r* (sum of the two log distances): its trains
    are stretched least. At convergence it is the grid's centre, whose inputs are r*."""
    out = np.maximum(np.column_stack([out_E, out_I]), 1e-3)
    return int(np.argmin(np.abs(np.log(out / np.asarray(root_Hz))).sum(axis=1)))


def solve_group(spec: dict, stats: dict, a: int) -> tuple[list[float], bool, int]:
    """(r*, bracketed, the nearest pair) of external rate a's grid (spec: the
    generation's; stats: its pair_stats)."""
    group = spec["groups"][a]
    out_E, out_I = stats["E"]["rate_Hz"][a], stats["I"]["rate_Hz"][a]
    root, bracketed = local_root(group["pairs_Hz"], out_E, out_I, group["halfwidth"],
                                 rate_floor_Hz(spec))
    return root, bracketed, nearest_pair(out_E, out_I, root)


def next_groups(prev_spec: dict, prev_stats: dict, spikes) -> list[dict]:
    """Each external rate's grid and pools for the next generation, from the last."""
    c = prev_spec["selfconsistent"]
    t0, t1 = c["t_warmup_ms"], prev_spec["duration_ms"]
    out = []
    for a, group in enumerate(prev_spec["groups"]):
        root, bracketed, near = solve_group(prev_spec, prev_stats, a)
        width = next_halfwidth(c, group["halfwidth"], bracketed)
        pools = {pop: next_pool(spikes, pair_index(prev_spec, pop, a, near), t0, t1,
                                {"from_pair_Hz": group["pairs_Hz"][near],
                                 "rate_Hz": prev_stats[pop]["rate_Hz"][a][near]})
                 for pop in POPS}
        own = {k: v for k, v in group.items() if k not in GROUP_KEYS}
        out.append(own | {"center_Hz": root, "halfwidth": width,
                          "pairs_Hz": grid(root, width, c["levels"]), "pool": pools})
    return out


def first_groups(c: dict, groups: list[dict]) -> list[dict]:
    """Generation 0: every group's grid around [start_rate_Hz, start_rate_I_Hz (default
    start_rate_Hz)], Poisson input."""
    if c["levels"] < 3:
        raise ConfigError(f"theory.selfconsistent.levels = {c['levels']}: a two-model "
                          "network's loop fits a quadratic over levels x levels input-rate "
                          "pairs and needs levels >= 3")
    center = [c["start_rate_Hz"], c.get("start_rate_I_Hz", c["start_rate_Hz"])]
    width = c["ladder_halfwidth"]
    return [group | {"center_Hz": center, "halfwidth": width,
                     "pairs_Hz": grid(center, width, c["levels"]),
                     "pool": {pop: None for pop in POPS}}
            for group in groups]


def create(nest, model, spec: dict) -> Nodes:
    """The E model's and the I model's neurons per (external rate, pair), their
    replayed (or Poisson) recurrent input from the E and I pools, the Poisson drive and
    a spike recorder. Each population's inputs carry its own model's weights and ports
    (as in the two-model network)."""
    net, d = spec["network"], spec["derived"]
    models = population_models(spec)
    A, P, N = layout(spec)
    delay = d["delay_ms"][0]
    nodes = {}
    for pop in POPS:
        m = models[pop]
        nodes[pop] = nest.Create(m.nest_model, A * P * N, params=m.nest_params())
        init = d["V_m_init_I_mV"] if pop == "I" else d["V_m_init_mV"]
        nodes[pop].set({m.membrane_potential: nest.random.uniform(*init)})
        constant_current(nest, m, nodes[pop], net)
    # the same draws for neuron j of every pair and rate; each target population its own
    streams = {(target, source): draws(spec["replay_seed"] + 2 * t + s, N, net[k_key], N)
               for t, target in enumerate(POPS)
               for s, (source, k_key, _) in enumerate(STREAMS)}
    for a, group in enumerate(spec["groups"]):
        # a map point's own inhibition (g axis) and neuron parameters (adaptation)
        G = {"excitatory": d["G_EE_nS"], "inhibitory": group.get("G_I_nS", d["G_I_nS"])}
        ext = nest.Create("poisson_generator",
                          params={"rate": net["K_ext"] * group["nu_ext_Hz"]})
        for target in POPS:
            m = models[target]
            w_x, r_x = nest_weight(m, "excitatory", d["G_ext_nS"])
            first = a * P * N  # within the population's own node collection
            own = group.get("nest_params", {}).get(target)
            if own:  # one dict per neuron (a list value would be spread over them)
                nodes[target][first:first + P * N].set([own] * (P * N))
            nest.Connect(ext, nodes[target][first:first + P * N],
                         syn_spec={"weight": w_x, "receptor_type": r_x, "delay": delay})
            for p, pair in enumerate(group["pairs_Hz"]):
                targets = nodes[target][first + p * N:first + (p + 1) * N]
                for s, (source, k_key, kind) in enumerate(STREAMS):
                    w, receptor = nest_weight(m, kind, G[kind])
                    syn = {"weight": w, "receptor_type": receptor, "delay": delay}
                    pool = group["pool"][source]
                    if pool is None:
                        pg = nest.Create("poisson_generator",
                                         params={"rate": net[k_key] * pair[s]})
                        nest.Connect(pg, targets, syn_spec=syn)
                        continue
                    src, shift = streams[(target, source)]
                    gens = nest.Create("spike_generator", N)
                    gens.set([{"spike_times": replay_times(pool, pair[s], src[j], shift[j],
                                                           spec["duration_ms"],
                                                           nest.resolution)}
                              for j in range(N)])
                    nest.Connect(gens, targets, "one_to_one", syn_spec=syn)
    recorder = spike_recorder(nest)
    neurons = nodes["E"] + nodes["I"]
    nest.Connect(neurons, recorder)
    return Nodes(neurons, {"spikes": recorder})
