"""The self-consistent closed loop's answer and how it converged, from its generations
(condrate.theory.selfconsistent): per external rate the root r* of F(r) = r with a
bootstrap interval, the output's ISI CV, Fano factor and power spectrum, and the
change of each from one generation to the next. Times in ms, rates in Hz.
"""

from __future__ import annotations

import numpy as np

from ..network.stats import binned_counts
from ..units import MS_PER_S, S_PER_MS
from .selfconsistent import (
    PSD_BIN_MS,
    PSD_SEGMENT,
    group_index,
    rate_root,
    solve_ladder,
)

PSD_MAX_HZ = 200.0  # spectra compared up to here
BOOTSTRAP = 1000


def spectrum(spikes, neurons, t0_ms: float, t1_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """(frequency Hz, power spectrum over 2 r) of the neurons' spike trains, Welch over
    1 ms bins, averaged over the neurons; 1 at high frequency for any train, a Poisson
    train's everywhere. scipy's Welch does the estimate; the binning is network.stats'."""
    from scipy.signal import welch

    k = spikes.in_window(t0_ms)
    counts = binned_counts(spikes.index[k], spikes.times_ms[k], spikes.n_neurons, t0_ms, t1_ms,
                           PSD_BIN_MS)[np.asarray(neurons)]
    rate = counts.mean() / (PSD_BIN_MS * S_PER_MS)
    f, p = welch(counts / (PSD_BIN_MS * S_PER_MS), fs=MS_PER_S / PSD_BIN_MS,
                 nperseg=min(PSD_SEGMENT, counts.shape[1]), axis=1)
    return f, (p.mean(axis=0) / (2 * rate) if rate > 0 else np.full(f.shape, np.nan))


def root_interval(levels_Hz, neuron_rates_Hz, halfwidth: float, seed: int,
                  level: float = 0.95) -> list[float]:
    """Bootstrap interval of r* over the generation's neurons (neuron j resampled at
    every level at once, as its draws are shared): the spread from the finite number
    of neurons in the last generation only."""
    rates = np.asarray(neuron_rates_Hz, float)  # (levels, N)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, rates.shape[1], size=(BOOTSTRAP, rates.shape[1]))
    roots = [rate_root(levels_Hz, rates[:, j].mean(axis=1), halfwidth)[0] for j in picks]
    tail = (1 - level) / 2
    return [float(np.quantile(roots, tail)), float(np.quantile(roots, 1 - tail))]


def _rel_change(new, old) -> float | None:
    if new is None or old is None or not old:
        return None
    return float(abs(new - old) / abs(old))


def history(specs: list[dict], stats: list[dict], spectra: list[list]) -> list[dict]:
    """Per external rate, one record per generation: ladder, F at each level, r*,
    whether it was bracketed, CV, Fano and spectrum change of the level whose output
    is nearest r* (the next pool). spectra[g][a]: (f, psd) of that level in
    generation g at external rate a."""
    out = []
    for a in range(len(specs[0]["groups"])):
        gens = []
        for g, (spec, st) in enumerate(zip(specs, stats)):
            group = spec["groups"][a]
            root, bracketed, near = solve_ladder(group, st["rate_Hz"][a])
            psd = spectra[g][a][1]
            prev = gens[-1] if gens else None
            gens.append({
                "generation": g, "input": "poisson" if group["pool"] is None else "replay",
                "levels_Hz": group["levels_Hz"], "output_Hz": st["rate_Hz"][a],
                "output_sem_Hz": st["sem_Hz"][a], "root_Hz": root, "bracketed": bracketed,
                "root_interval_Hz": root_interval(group["levels_Hz"], st["neuron_rates_Hz"][a],
                                                  group["halfwidth"], spec["replay_seed"]),
                "cv_isi": st["cv_isi"][a][near], "fano": st["fano"][a][near],
                "root_change": prev and _rel_change(root, prev["root_Hz"]),
                "cv_change": prev and _rel_change(st["cv_isi"][a][near], prev["cv_isi"]),
                "psd_change": None if prev is None else _spectrum_change(psd, spectra[g - 1][a]),
            })
        own = {k: v for k, v in specs[0]["groups"][a].items() if k in ("nu_ext_Hz", "start_Hz")}
        out.append(own | {"generations": gens})
    return out


def _spectrum_change(psd, previous) -> float | None:
    """Relative L2 change of the spectrum over (0, PSD_MAX_HZ]."""
    f, old = previous
    k = (f > 0) & (f <= PSD_MAX_HZ) & np.isfinite(old) & np.isfinite(psd)
    if not k.any():
        return None
    return float(np.linalg.norm(psd[k] - old[k]) / np.linalg.norm(old[k]))


def rate_unsettled(gens: list[dict]) -> list[str]:
    """Why r* has not settled within the generations' own noise (empty: it has): the
    last two roots must be bracketed (never an extrapolation) and their bootstrap
    intervals overlap (the step between them no larger than their noise), and the last
    three roots show no trend (a monotone run of three whose total change exceeds the
    last interval's half-width)."""
    if len(gens) < 2:
        return ["one generation"]
    if not (gens[-1]["bracketed"] and gens[-2]["bracketed"]):
        return ["r* extrapolated"]
    reasons = []
    (a0, a1), (b0, b1) = gens[-2]["root_interval_Hz"], gens[-1]["root_interval_Hz"]
    if a0 > b1 or b0 > a1:
        reasons.append(f"r* stepped {gens[-2]['root_Hz']:.2f} → {gens[-1]['root_Hz']:.2f} Hz, "
                       "intervals apart")
    if len(gens) >= 3:
        r = [g["root_Hz"] for g in gens[-3:]]
        monotone = (r[0] < r[1] < r[2]) or (r[0] > r[1] > r[2])
        if monotone and abs(r[2] - r[0]) > (b1 - b0) / 2:
            reasons.append(f"r* trend {r[0]:.2f} → {r[2]:.2f} Hz")
    return reasons


def unsettled(gens: list[dict], tol: dict) -> list[str]:
    """Why the loop has not converged at one external rate (empty: it has): r* not
    settled (rate_unsettled), or the output's ISI CV or spectrum changed by more than
    its tolerance in the last step (gens: the generations' history records)."""
    reasons = rate_unsettled(gens)
    if len(gens) < 2:
        return reasons
    gen = gens[-1]
    for key, change in (("cv", "cv_change"), ("psd", "psd_change")):
        x = gen.get(change)
        if x is None:
            reasons.append(f"{key} change unknown")
        elif x > tol[key]:
            reasons.append(f"{key} changed {x:.2f} > {tol[key]:g}")
    return reasons


def predictions(specs: list[dict], stats: list[dict], spectra: list[list]) -> list[dict]:
    """Per external rate: the last generation's r* with its bootstrap interval, CV and
    Fano, converged or not (converged; not_converged: the tests it failed, in words), and
    the history behind them. An r* that the last
    ladder did not bracket is an extrapolation: ``bracketed`` is false, and it is never
    converged (the closed-loop predictions report no rate there)."""
    last, st = specs[-1], stats[-1]
    tol = last["selfconsistent"]["tolerance"]
    out = []
    for a, h in enumerate(history(specs, stats, spectra)):
        gen = h["generations"][-1]
        reasons = unsettled(h["generations"], tol)
        start = {"start_Hz": h["start_Hz"]} if "start_Hz" in h else {}
        out.append(start | {
            "nu_ext_Hz": h["nu_ext_Hz"], "rate_Hz": gen["root_Hz"],
            "rate_interval_Hz": gen["root_interval_Hz"],
            "cv_isi": gen["cv_isi"], "fano": gen["fano"], "bracketed": gen["bracketed"],
            "converged": not reasons, "not_converged": reasons, "history": h["generations"],
        })
    return out


def start_comparison(predictions: list[dict]) -> list[dict]:
    """The loops started from other guesses (records with start_Hz) against the main
    loop at the same external rate: their r* and intervals, and whether they agree (the
    two 95 % intervals overlap)."""
    main = {q["nu_ext_Hz"]: q for q in predictions if "start_Hz" not in q}
    out = []
    for q in predictions:
        if "start_Hz" not in q or q["nu_ext_Hz"] not in main:
            continue
        m = main[q["nu_ext_Hz"]]
        (a0, a1), (b0, b1) = m["rate_interval_Hz"], q["rate_interval_Hz"]
        out.append({"nu_ext_Hz": q["nu_ext_Hz"], "start_Hz": q["start_Hz"],
                    "rate_Hz": q["rate_Hz"], "rate_interval_Hz": q["rate_interval_Hz"],
                    "bracketed": q["bracketed"], "converged": q["converged"],
                    "main_rate_Hz": m["rate_Hz"], "main_rate_interval_Hz": m["rate_interval_Hz"],
                    "agree": bool(a0 <= b1 and b0 <= a1)})
    return out


def generation_spectra(spec: dict, st: dict, spikes) -> list:
    """Per external rate: the spectrum of the level whose output is nearest r*."""
    t0, t1 = spec["selfconsistent"]["t_warmup_ms"], spec["duration_ms"]
    out = []
    for a, group in enumerate(spec["groups"]):
        near = solve_ladder(group, st["rate_Hz"][a])[2]
        out.append(spectrum(spikes, group_index(spec, a, near), t0, t1))
    return out


# The two-model loop (selfconsistent_pair): r* = [r_E, r_I] per external rate. Each
# population's generations are recorded as the one-model loop's (root, interval, CV,
# spectrum and their changes), so that unsettled() judges each population as it judges
# the one-model loop; the loop has converged where both have.

def pair_root_interval(pairs_Hz, rates_E, rates_I, halfwidth: float, floor_Hz: float,
                       seed: int, level: float = 0.95) -> dict:
    """Bootstrap intervals of r* = [r_E, r_I] over the generation's neurons (neuron j
    of both populations resampled at every pair at once, as its draws are shared):
    {"E": [lo, hi], "I": [lo, hi]} (Hz). rates_E, rates_I: (pairs, N) neuron rates."""
    from .selfconsistent_pair import local_root

    E, I = np.asarray(rates_E, float), np.asarray(rates_I, float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, E.shape[1], size=(BOOTSTRAP, E.shape[1]))
    roots = np.array([local_root(pairs_Hz, E[:, j].mean(axis=1), I[:, j].mean(axis=1),
                                 halfwidth, floor_Hz)[0] for j in picks])
    tail = (1 - level) / 2
    return {pop: [float(np.quantile(roots[:, b], tail)), float(np.quantile(roots[:, b], 1 - tail))]
            for b, pop in enumerate(("E", "I"))}


def pair_history(specs: list[dict], stats: list[dict], spectra: list[list]) -> list[dict]:
    """Per external rate, per population one record per generation (history()'s keys;
    levels_Hz: the grid's values on the population's axis, output_Hz its output at every
    pair). spectra[g][a][pop]: (f, psd) of the nearest pair's neurons of pop."""
    from .selfconsistent_pair import POPS, rate_floor_Hz, solve_group

    out = []
    for a in range(len(specs[0]["groups"])):
        gens = {pop: [] for pop in POPS}
        for g, (spec, st) in enumerate(zip(specs, stats)):
            group = spec["groups"][a]
            root, bracketed, near = solve_group(spec, st, a)
            interval = pair_root_interval(group["pairs_Hz"], st["E"]["neuron_rates_Hz"][a],
                                          st["I"]["neuron_rates_Hz"][a], group["halfwidth"],
                                          rate_floor_Hz(spec), spec["replay_seed"])
            for b, pop in enumerate(POPS):
                s, prev = st[pop], gens[pop][-1] if gens[pop] else None
                gens[pop].append({
                    "generation": g,
                    "input": "poisson" if group["pool"][pop] is None else "replay",
                    "levels_Hz": sorted({x[b] for x in group["pairs_Hz"]}),
                    "output_Hz": s["rate_Hz"][a], "output_sem_Hz": s["sem_Hz"][a],
                    "root_Hz": root[b], "bracketed": bracketed,
                    "root_interval_Hz": interval[pop],
                    "cv_isi": s["cv_isi"][a][near], "fano": s["fano"][a][near],
                    "root_change": prev and _rel_change(root[b], prev["root_Hz"]),
                    "cv_change": prev and _rel_change(s["cv_isi"][a][near], prev["cv_isi"]),
                    "psd_change": None if prev is None else _spectrum_change(
                        spectra[g][a][pop][1], spectra[g - 1][a][pop]),
                })
        out.append({"nu_ext_Hz": specs[0]["groups"][a]["nu_ext_Hz"], "generations": gens})
    return out


def pair_predictions(specs: list[dict], stats: list[dict], spectra: list[list]) -> list[dict]:
    """predictions() of the two-model loop: per external rate r* = [r_E, r_I] with an
    interval per population, CV and Fano per population, converged where both
    populations are (not_converged: each one's reasons, prefixed by it)."""
    tol = specs[-1]["selfconsistent"]["tolerance"]
    out = []
    for h in pair_history(specs, stats, spectra):
        gens = h["generations"]
        last = {pop: g[-1] for pop, g in gens.items()}
        reasons = [f"{pop}: {why}" for pop, g in gens.items() for why in unsettled(g, tol)]
        out.append({
            "nu_ext_Hz": h["nu_ext_Hz"], "rate_Hz": [last[p]["root_Hz"] for p in gens],
            "rate_interval_Hz": [last[p]["root_interval_Hz"] for p in gens],
            "cv_isi": [last[p]["cv_isi"] for p in gens], "fano": [last[p]["fano"] for p in gens],
            "bracketed": last["E"]["bracketed"], "converged": not reasons,
            "not_converged": reasons, "history": gens,
        })
    return out


def pair_spectra(spec: dict, st: dict, spikes) -> list:
    """Per external rate, per population: the spectrum of the nearest pair's neurons."""
    from .selfconsistent_pair import POPS, pair_index, solve_group

    t0, t1 = spec["selfconsistent"]["t_warmup_ms"], spec["duration_ms"]
    out = []
    for a in range(len(spec["groups"])):
        near = solve_group(spec, st, a)[2]
        out.append({pop: spectrum(spikes, pair_index(spec, pop, a, near), t0, t1)
                    for pop in POPS})
    return out


def from_generations(spec_files, spike_files) -> tuple[list[dict], list[dict], list]:
    """(specs, predictions, spike trains) of a self-consistent run's generation files
    (the one-model loop's or, for a two-model network, the pair loop's)."""
    from ..io import read_json
    from ..spiketrains import SpikeTrains
    from .selfconsistent import group_stats
    from .selfconsistent_pair import is_pair, pair_stats

    specs = [read_json(x) for x in spec_files]
    trains = [SpikeTrains.read(x) for x in spike_files]
    if is_pair(specs[0]):
        stats = [pair_stats(spec, t) for spec, t in zip(specs, trains)]
        spectra = [pair_spectra(spec, st, t) for spec, st, t in zip(specs, stats, trains)]
        return specs, pair_predictions(specs, stats, spectra), trains
    stats = [group_stats(spec, t) for spec, t in zip(specs, trains)]
    spectra = [generation_spectra(spec, st, t) for spec, st, t in zip(specs, stats, trains)]
    return specs, predictions(specs, stats, spectra), trains
