"""Self-consistent closed loop from single neurons: the recurrent input's rate and its
second-order statistics both come out of the theory; nothing from the network run.

The scheme of Dummer, Wieland & Lindner (Front Comput Neurosci 2014): generation g is
a set of unconnected neurons whose K_E + K_I recurrent inputs are spike trains drawn
from generation g-1's output, replayed through spike_generators with random circular
time shifts (generation 0: Poisson trains), plus the network's Poisson drive. The E
and I neurons of condrate's E/I network are the same model with the same in-degrees
and synapses, so one population stands for both (r_E = r_I = r).

The rate is solved rather than iterated (an inhibition-dominated loop has F'(r) << -1,
where a plain iteration r <- F(r) oscillates): every generation runs a ladder of input
rates r_l around the previous estimate, the drawn trains stretched in time by
pool rate / r_l (which keeps each train's ISI shape); F(r_l) is the neurons' mean
output, r* the root of F(r) - r by linear interpolation (secant extrapolation when the
ladder does not bracket it), and the ladder narrows by half once it brackets. The
output trains of the level whose rate is nearest r* are the next generation's pool.
Neuron j of every level and external rate gets the same draws (sources and shifts):
the F(r_l) differ by the rate, not by the draw.

Neurons: index ((a * levels) + l) * N + j for external rate a, level l, neuron j.
Times in ms, rates in Hz.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ConfigError
from ..io import read_json
from ..nestrun.recorders import spike_recorder
from ..network.experiment import (
    constant_current,
    network_spec,
    run_settings,
    sweep_runs,
)
from ..network.stats import binned_counts, fano_factors, isi_cv
from ..params import NeuronModel, nest_weight
from ..protocol import Experiment, Nodes
from ..spiketrains import mean_sem
from ..units import MS_PER_S

PATH = "theory/{model}/selfconsistent/{generation}"
MIN_POOL_SPIKES = 20  # fewer spikes in a pool than this: Poisson trains at the target rate
PSD_BIN_MS = 1.0
PSD_SEGMENT = 256  # Welch segment (bins): 3.9 Hz resolution at 1 ms bins
LADDER_KEYS = ("center_Hz", "halfwidth", "levels_Hz", "pool")  # a group's per-generation keys


def generation_index(generation: str) -> int:
    """0 for "g0", 1 for "g1", ... (the {generation} wildcard)."""
    if not (generation.startswith("g") and generation[1:].isdigit()):
        raise ConfigError(f"self-consistent generation '{generation}' is not g0, g1, ...")
    return int(generation[1:])


def generation_path(model: str, g: int, path: str = PATH) -> str:
    return "results/" + path.format(model=model, generation=f"g{g}")


def previous_generation(names: dict, path: str = PATH) -> dict:
    """The spec and spikes of the generation before (none for g0): the extra inputs."""
    g = generation_index(names["generation"])
    if g == 0:
        return {}
    prev = generation_path(names["model"], g - 1, path)
    return {"previous_spec": f"{prev}/spec.json", "previous_spikes": f"{prev}/spikes.parquet"}


def external_rates(config: dict) -> list[float]:
    """The base network's external rate and those of its external-rate sweep (Hz)."""
    runs = sweep_runs(config)
    return sorted({run_settings(config, r)["nu_ext_Hz"] for r in runs["base"] + runs["ext"]})


def ladder(center_Hz: float, halfwidth: float, levels: int) -> list[float]:
    """Input rates center * exp(halfwidth * x), x evenly from -1 to 1 (Hz)."""
    return [float(center_Hz * math.exp(halfwidth * x)) for x in np.linspace(-1, 1, levels)]


def rate_root(levels_Hz, out_Hz, halfwidth: float) -> tuple[float, bool]:
    """(r*, bracketed): where F(r) - r changes sign from + to - between two levels
    (linear interpolation); otherwise the secant through the two levels nearest the
    crossing, extrapolated and kept within a factor exp(2 halfwidth) of the ladder."""
    r, F = np.asarray(levels_Hz, float), np.asarray(out_Hz, float)
    d = F - r
    for k in range(len(r) - 1):
        if d[k] > 0 >= d[k + 1]:
            return float(r[k] + d[k] * (r[k + 1] - r[k]) / (d[k] - d[k + 1])), True
    k = len(r) - 2 if d[-1] > 0 else 0  # all above the diagonal: the top; below: bottom
    slope = (d[k + 1] - d[k]) / (r[k + 1] - r[k])
    guess = r[k] - d[k] / slope if slope < 0 else (r[-1] if d[-1] > 0 else r[0]) * math.exp(
        halfwidth * (1 if d[-1] > 0 else -1))
    lo, hi = r[0] * math.exp(-2 * halfwidth), r[-1] * math.exp(2 * halfwidth)
    return float(min(max(guess, lo), hi)), False


def layout(spec: dict) -> tuple[int, int, int]:
    """(external rates, levels, neurons per level) of a generation."""
    return len(spec["groups"]), len(spec["groups"][0]["levels_Hz"]), spec["neurons_per_level"]


def group_index(spec: dict, a: int, level: int) -> np.ndarray:
    """Neuron indices (0-based) of external rate a, level l."""
    _, L, N = layout(spec)
    return np.arange((a * L + level) * N, (a * L + level + 1) * N)


STAT_KEYS = ("neuron_rates_Hz", "rate_Hz", "sem_Hz", "cv_isi", "fano")


def neuron_measures(spec: dict, spikes):
    """Per neuron of a generation: (rate Hz, ISI CV, Fano factor) after the warm-up
    (the network stage's definitions and windows)."""
    t0, t1 = spec["selfconsistent"]["t_warmup_ms"], spec["duration_ms"]
    s = spec["config"]["network"]["stats"]
    k = spikes.in_window(t0)
    idx, t, n = spikes.index[k], spikes.times_ms[k], spikes.n_neurons
    rates = spikes.rates_Hz(t0, t1, to_end=True)
    cv = isi_cv(idx, t, n, s["cv_min_isis"])
    fano = fano_factors(binned_counts(idx, t, n, t0, t1, s["fano_window_ms"]))
    return rates, cv, fano


def block_stats(measures, neurons) -> dict:
    """STAT_KEYS of one block of neurons: their rates (Hz), the mean and s.e.m., the
    mean ISI CV and Fano factor (None where no neuron has one)."""
    rates, cv, fano = measures
    mean, sem = mean_sem(rates[neurons])
    return {"neuron_rates_Hz": rates[neurons].tolist(), "rate_Hz": float(mean),
            "sem_Hz": float(sem), "cv_isi": _nanmean(cv[neurons]),
            "fano": _nanmean(fano[neurons])}


def group_stats(spec: dict, spikes) -> dict:
    """Per external rate and level: block_stats of its neurons."""
    measures = neuron_measures(spec, spikes)
    _, L, _ = layout(spec)
    out = {"nu_ext_Hz": [], "levels_Hz": [], **{key: [] for key in STAT_KEYS}}
    for a, group in enumerate(spec["groups"]):
        blocks = [block_stats(measures, group_index(spec, a, level)) for level in range(L)]
        out["nu_ext_Hz"].append(group["nu_ext_Hz"])
        out["levels_Hz"].append(group["levels_Hz"])
        for key in STAT_KEYS:
            out[key].append([b[key] for b in blocks])
    return out


def _nanmean(x) -> float | None:
    x = np.asarray(x, float)
    return float(np.nanmean(x)) if np.isfinite(x).any() else None


def pool_trains(spikes, neurons: np.ndarray, t0_ms: float, t1_ms: float) -> list[list[float]]:
    """The spike times (ms from t0) of ``neurons`` in [t0, t1]: the next pool."""
    k = spikes.in_window(t0_ms) & np.isin(spikes.index, neurons)
    idx, t = spikes.index[k], spikes.times_ms[k] - t0_ms
    return [t[idx == i].round(6).tolist() for i in neurons]


def solve_ladder(group: dict, out_Hz) -> tuple[float, bool, int]:
    """(r*, bracketed, the level whose output is nearest r*) of one external rate's
    ladder (group: its spec entry) and the mean outputs at its levels (Hz)."""
    root, bracketed = rate_root(group["levels_Hz"], out_Hz, group["halfwidth"])
    return root, bracketed, pool_level(out_Hz, root)


def pool_level(out_Hz, root_Hz: float) -> int:
    """The level whose output rate is nearest r* (log scale): its trains are stretched
    least. At convergence it is the centre level, whose input rate is r* too."""
    out = np.maximum(np.asarray(out_Hz, float), 1e-3)
    return int(np.argmin(np.abs(np.log(out / root_Hz))))


def next_groups(prev_spec: dict, prev_stats: dict, spikes) -> list[dict]:
    """Each external rate's ladder and pool for the next generation, from the last.
    A group's own keys (its external rate; a map point's name and G_I) carry over."""
    c = prev_spec["selfconsistent"]
    t0, t1 = c["t_warmup_ms"], prev_spec["duration_ms"]
    out = []
    for a, group in enumerate(prev_spec["groups"]):
        levels = group["levels_Hz"]
        root, bracketed, nearest = solve_ladder(group, prev_stats["rate_Hz"][a])
        width = next_halfwidth(c, group["halfwidth"], bracketed)
        pool = next_pool(spikes, group_index(prev_spec, a, nearest), t0, t1,
                         {"from_level_Hz": levels[nearest],
                          "rate_Hz": prev_stats["rate_Hz"][a][nearest]})
        own = {k: v for k, v in group.items() if k not in LADDER_KEYS}
        out.append(own | {"center_Hz": root, "halfwidth": width,
                          "levels_Hz": ladder(root, width, c["levels"]), "pool": pool})
    return out


def next_halfwidth(c: dict, halfwidth: float, bracketed: bool) -> float:
    """The next generation's half-width (ln): bracketed, narrowed by half around r*
    (not below min_halfwidth); an extrapolation, twice as wide so that the next ladder
    brackets r* (capped at the first generation's width). c: theory.selfconsistent."""
    return (max(halfwidth / 2, c["min_halfwidth"]) if bracketed
            else min(2 * halfwidth, c["ladder_halfwidth"]))


def next_pool(spikes, neurons, t0_ms: float, t1_ms: float, origin: dict) -> dict | None:
    """The next generation's pool: the trains of ``neurons`` in [t0, t1] with their
    period and ``origin`` (where they come from, their rate); None (Poisson input at
    the rate instead) where they hold fewer than MIN_POOL_SPIKES spikes."""
    trains = pool_trains(spikes, neurons, t0_ms, t1_ms)
    if sum(map(len, trains)) < MIN_POOL_SPIKES:
        return None
    return {"trains": trains, "period_ms": t1_ms - t0_ms} | origin


def first_groups(c: dict, groups: list[dict]) -> list[dict]:
    """Generation 0: every group's ladder around its start (a group's own start_Hz, else
    start_rate_Hz), Poisson input."""
    width = c["ladder_halfwidth"]
    return [group | {"center_Hz": group.get("start_Hz", c["start_rate_Hz"]), "halfwidth": width,
                     "levels_Hz": ladder(group.get("start_Hz", c["start_rate_Hz"]), width,
                                         c["levels"]), "pool": None}
            for group in groups]


def iterated_spec(spec: dict, config: dict, generation: str, groups: list[dict],
                  previous_spec=None, previous_spikes=None, kind="selfconsistent") -> dict:
    """The spec of one generation from a network spec (synapses, in-degrees, drive)
    and the groups of generation 0 (their own keys: nu_ext_Hz, optionally G_I_nS)."""
    from ..spiketrains import SpikeTrains

    from . import selfconsistent_pair as pair

    g = generation_index(generation)
    c = config["theory"]["selfconsistent"]
    two = "inhibitory" in spec  # a two-model network: E and I pools (selfconsistent_pair)
    if g == 0:
        groups = pair.first_groups(c, groups) if two else first_groups(c, groups)
    else:
        prev = read_json(previous_spec)
        spikes = SpikeTrains.read(previous_spikes)
        groups = (pair.next_groups(prev, pair.pair_stats(prev, spikes), spikes) if two
                  else next_groups(prev, group_stats(prev, spikes), spikes))
    kernel = dict(config["nest"]) | {"seed": config["nest"]["seed"] + g}
    spec.update(kind=kind, run=f"selfconsistent/{generation}", generation=g,
                groups=groups, neurons_per_level=c["neurons_per_level"], selfconsistent=c,
                duration_ms=c["t_sim_ms"], kernel=kernel, replay_seed=config["nest"]["seed"] + g)
    return spec


def selfconsistent_spec(config: dict, model_name: str, root=".", generation="g0",
                        previous_spec=None, previous_spikes=None) -> dict:
    """Spec of one generation: the base network's synapses and in-degrees, a ladder of
    input rates per external rate, and (from g1 on) the pool of trains to replay."""
    spec = network_spec(config, model_name, config["network"]["name"], root)
    groups = [{"nu_ext_Hz": nu} for nu in external_rates(config)]
    # the same loop at the base network's external rate from other start guesses: does
    # r* depend on where the loop starts? (selfconsistent.json -> other_starts)
    base_nu = run_settings(config, sweep_runs(config)["base"][0])["nu_ext_Hz"]
    if "inhibitory" not in spec:  # the two-model loop starts from one guess per population
        groups += [{"nu_ext_Hz": base_nu, "start_Hz": float(start)}
                   for start in config["theory"]["selfconsistent"].get("other_starts_Hz", [])]
    return iterated_spec(spec, config, generation, groups, previous_spec, previous_spikes)


def replay_times(pool: dict, rate_Hz: float, sources, shifts, t_stop_ms: float,
                 resolution_ms: float) -> np.ndarray:
    """The merged input of one neuron: the pool trains ``sources`` (with repeats), each
    stretched in time to the target rate, circularly shifted by ``shifts`` (fractions
    of the stretched period) and tiled to t_stop; on the grid, sorted, in (0, t_stop]
    (ms). Several spikes in one step stay several (NEST's spike_generator repeats)."""
    trains = pool["trains"]
    pool_rate = sum(map(len, trains)) / (len(trains) * pool["period_ms"])  # per ms
    period = pool["period_ms"] * pool_rate / (rate_Hz / MS_PER_S)
    lengths = np.array([len(trains[k]) for k in sources])
    t = np.concatenate([np.asarray(trains[k], float) for k in sources] + [np.empty(0)])
    t = (t * period / pool["period_ms"] + np.repeat(np.asarray(shifts) * period, lengths)) % period
    t = (t[None, :] + period * np.arange(math.ceil(t_stop_ms / period))[:, None]).ravel()
    steps = np.rint(t / resolution_ms)
    steps = np.sort(steps[(steps >= 1) & (steps * resolution_ms <= t_stop_ms)])
    return steps * resolution_ms


def draws(seed: int, n: int, K: int, pool_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Source indices (n, K) into a pool and shifts in [0, 1), the same for every level."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, pool_size, size=(n, K)), rng.random((n, K))


def create_selfconsistent(nest, model: NeuronModel, spec: dict) -> Nodes:
    """Neurons per (external rate, level), their replayed (or Poisson) recurrent input,
    the Poisson drive and a spike recorder."""
    net, d = spec["network"], spec["derived"]
    A, L, N = layout(spec)
    neurons = nest.Create(model.nest_model, A * L * N, params=model.nest_params())
    neurons.V_m = nest.random.uniform(*d["V_m_init_mV"])
    constant_current(nest, model, neurons, net)
    delay = d["delay_ms"][0]
    streams = [(k_key, kind, G, draws(spec["replay_seed"] + s, N, net[k_key], N))
               for s, (k_key, kind, G) in enumerate((("K_E", "excitatory", d["G_EE_nS"]),
                                                     ("K_I", "inhibitory", d["G_I_nS"])))]
    w_x, r_x = nest_weight(model, "excitatory", d["G_ext_nS"])
    for a, group in enumerate(spec["groups"]):
        G_I = group.get("G_I_nS", d["G_I_nS"])  # a map point's own inhibition
        first, last = group_index(spec, a, 0)[0], group_index(spec, a, L - 1)[-1]
        if "nest_params" in group:  # a map point's own neuron parameters (adaptation);
            # one dict per neuron, as a list value (asc_amps) would be spread over them
            neurons[int(first):int(last) + 1].set([group["nest_params"]] * (last - first + 1))
        ext = nest.Create("poisson_generator", params={"rate": net["K_ext"] * group["nu_ext_Hz"]})
        nest.Connect(ext, neurons[int(first):int(last) + 1],
                     syn_spec={"weight": w_x, "receptor_type": r_x, "delay": delay})
        for level, rate in enumerate(group["levels_Hz"]):
            targets = neurons[group_index(spec, a, level).tolist()]
            for k_key, kind, G, (src, shift) in streams:
                w, receptor = nest_weight(model, kind, G_I if kind == "inhibitory" else G)
                syn = {"weight": w, "receptor_type": receptor, "delay": delay}
                if group["pool"] is None:
                    pg = nest.Create("poisson_generator", params={"rate": net[k_key] * rate})
                    nest.Connect(pg, targets, syn_spec=syn)
                    continue
                gens = nest.Create("spike_generator", N)
                gens.set([{"spike_times": replay_times(group["pool"], rate, src[j], shift[j],
                                                       spec["duration_ms"], nest.resolution)}
                          for j in range(N)])
                nest.Connect(gens, targets, "one_to_one", syn_spec=syn)
    recorder = spike_recorder(nest)
    nest.Connect(neurons, recorder)
    return Nodes(neurons, {"spikes": recorder})


def build(nest, model: NeuronModel, spec: dict) -> Nodes:
    from . import selfconsistent_pair as pair

    if pair.is_pair(spec):
        return pair.create(nest, model, spec)
    return create_selfconsistent(nest, model, spec)


EXPERIMENT = Experiment(kind="selfconsistent", path=PATH,
                        sections=("network", "theory.selfconsistent"), spec=selfconsistent_spec,
                        build=build, inputs=previous_generation)
