"""Spike-train statistics of a network run, vectorised over neurons.

Elephant computes the same quantities one spike train (or one matrix) at a time;
for 10^4 neurons and 10^5 spikes a single pass of numpy bincounts over the whole
sorted table is orders of magnitude faster, so these are written by hand here and
checked against Elephant's implementations in tests/test_stats.py.
Times in ms, rates in Hz.
"""

from __future__ import annotations

import numpy as np

from ..criteria import is_stationary
from ..units import S_PER_MS, window_s


def binned_counts(idx, t_ms, n, t0_ms, t1_ms, bin_ms) -> np.ndarray:
    """Spike counts, shape (n, n_bins), of neurons 0..n-1 in bins [t0 + k bin, ...)."""
    nb = int(np.floor((t1_ms - t0_ms) / bin_ms + 1e-9))
    b = np.floor((np.asarray(t_ms) - t0_ms) / bin_ms).astype(np.int64)
    keep = (b >= 0) & (b < nb) & (idx >= 0) & (idx < n)
    flat = np.asarray(idx)[keep].astype(np.int64) * nb + b[keep]
    return np.bincount(flat, minlength=n * nb).reshape(n, nb)


def isi_cv(idx, t_ms, n, min_isis) -> np.ndarray:
    """CV of the inter-spike intervals per neuron; NaN with fewer than ``min_isis`` ISIs."""
    idx, t = np.asarray(idx), np.asarray(t_ms)
    order = np.lexsort((t, idx))
    si, ti = idx[order], t[order]
    same = si[1:] == si[:-1]
    isi, owner = np.diff(ti)[same], si[1:][same]
    cnt = np.bincount(owner, minlength=n).astype(float)
    s1 = np.bincount(owner, isi, minlength=n)
    s2 = np.bincount(owner, isi**2, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / cnt
        var = s2 / cnt - mean**2  # population variance, as Elephant's cv (ddof 0)
        cv = np.sqrt(np.clip(var, 0, None)) / mean
    cv[cnt < min_isis] = np.nan
    return cv


def fano_factors(counts: np.ndarray) -> np.ndarray:
    """Fano factor per neuron over windows (columns); NaN for silent neurons."""
    m = counts.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m > 0, counts.var(axis=1) / m, np.nan)


def pair_correlations(counts: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Pearson correlation of binned counts for each pair (rows i, j); NaN if silent."""
    x = counts - counts.mean(axis=1, keepdims=True)
    sd = np.sqrt((x**2).mean(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x[pairs[:, 0]] * x[pairs[:, 1]]).mean(axis=1) / (sd[pairs[:, 0]] * sd[pairs[:, 1]])


def synchrony_chi(counts: np.ndarray) -> float:
    """chi = sqrt(var of the population-averaged signal / mean single-neuron variance).

    ~1/sqrt(N) for independent neurons, 1 for perfect synchrony (Golomb 2007).
    """
    single = counts.var(axis=1).mean()
    return float(np.sqrt(counts.mean(axis=0).var() / single)) if single > 0 else float("nan")


def sample_pairs(members: np.ndarray, n_pairs: int, seed: int) -> np.ndarray:
    """``n_pairs`` distinct-neuron pairs drawn from ``members`` with a fixed seed."""
    rng = np.random.default_rng(seed)
    a = rng.choice(members, size=n_pairs)
    b = rng.choice(members, size=n_pairs)
    clash = a == b
    b[clash] = members[(np.searchsorted(members, a[clash]) + 1) % len(members)]
    return np.column_stack([a, b])


def _summary(values) -> dict:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"mean": None, "median": None, "n": 0}
    return {"mean": float(v.mean()), "median": float(np.median(v)), "n": int(v.size)}


def population_stats(idx, t_ms, members, t0_ms, t1_ms, s: dict, n_total: int) -> dict:
    """Rate, CV, Fano, correlation, chi and stationarity of one population.

    idx: neuron index (0-based) of each spike; members: indices of the population;
    s: the config's network.stats settings.
    """
    dur_s = window_s(t0_ms, t1_ms)
    keep = np.isin(idx, members) & (t_ms >= t0_ms) & (t_ms < t1_ms)
    i, t = idx[keep], t_ms[keep]
    counts_total = np.bincount(i, minlength=n_total)[members]
    rates = counts_total / dur_s
    cv = isi_cv(i, t, n_total, s["cv_min_isis"])[members]
    fano = fano_factors(binned_counts(i, t, n_total, t0_ms, t1_ms, s["fano_window_ms"])[members])
    corr_counts = binned_counts(i, t, n_total, t0_ms, t1_ms, s["corr_bin_ms"])
    pairs = sample_pairs(members, s["corr_pairs"], s["seed"])
    corr = pair_correlations(corr_counts, pairs)
    fine = binned_counts(i, t, n_total, t0_ms, t1_ms, s["bin_ms"])[members]
    half = fine.shape[1] // 2
    pop_rate = fine.mean(axis=0) / (s["bin_ms"] * S_PER_MS)
    first, second = pop_rate[:half].mean(), pop_rate[half:].mean()
    out = {
        "n_neurons": int(len(members)),
        "rate_Hz": float(rates.mean()),
        "rate_sd_Hz": float(rates.std()),
        "fraction_silent": float((counts_total == 0).mean()),
        "cv_isi": _summary(cv),
        "fano": _summary(fano) | {"window_ms": s["fano_window_ms"]},
        "correlation": _summary(corr) | {"bin_ms": s["corr_bin_ms"], "pairs": s["corr_pairs"]},
        "chi": synchrony_chi(fine),
        "chi_bin_ms": s["bin_ms"],
        "rate_first_half_Hz": float(first),
        "rate_second_half_Hz": float(second),
        "stationary": is_stationary(first, second),
    }
    if "up_down" in s:  # asked for (e.g. a strongly adapting network): slow up/down states
        ud = s["up_down"]
        coarse = binned_counts(i, t, n_total, t0_ms, t1_ms, ud["bin_ms"])[members]
        out["up_down"] = up_down_states(coarse.mean(axis=0) / (ud["bin_ms"] * S_PER_MS),
                                        ud["bin_ms"], ud["smooth_ms"], ud["min_state_ms"],
                                        ud["contrast_min"]) | {"settings": ud}
    return out


def up_down_states(pop_rate_Hz, bin_ms: float, smooth_ms: float, min_state_ms: float,
                   contrast_min: float) -> dict:
    """Slow alternation of a population between an active (up) and a near-silent (down)
    state, from its population rate (Hz) in bins of ``bin_ms``. Elephant has no
    up/down-state detector, so it is written here: the rate is smoothed (boxcar of
    ``smooth_ms``), split at the threshold that best separates its values into two
    classes (Otsu's between-class variance), and runs shorter than ``min_state_ms`` are
    merged into their neighbours. Up-down states are present where the up and down
    classes differ by at least ``contrast_min`` in mean rate and at least two up states
    begin in the window. Returns present, threshold, the two classes' mean rates (Hz),
    the up fraction (duty cycle), the number of up onsets and their mean period (ms;
    None with fewer than two)."""
    x = np.asarray(pop_rate_Hz, float)
    k = max(int(round(smooth_ms / bin_ms)), 1)
    sm = np.convolve(x, np.ones(k) / k, mode="same")
    levels = np.unique(sm)
    if levels.size < 2:
        return {"present": False, "threshold_Hz": None, "up_rate_Hz": None,
                "down_rate_Hz": None, "duty_cycle": None, "n_up": 0, "period_ms": None}
    cuts = (levels[:-1] + levels[1:]) / 2

    def between(c):
        up = sm > c
        w = up.mean()
        return w * (1 - w) * (sm[up].mean() - sm[~up].mean()) ** 2

    threshold = float(max(cuts, key=between))
    up = sm > threshold
    m = max(int(round(min_state_ms / bin_ms)), 1)
    start = 0
    for i in range(1, up.size + 1):  # runs shorter than min_state_ms take the state before
        if i == up.size or up[i] != up[start]:
            if i - start < m and start > 0:
                up[start:i] = up[start - 1]
            start = i
    onsets = np.flatnonzero(up[1:] & ~up[:-1]) + 1
    up_rate, down_rate = (float(sm[up].mean()) if up.any() else None,
                          float(sm[~up].mean()) if (~up).any() else None)
    contrast = (up_rate / down_rate if down_rate else np.inf) if up_rate is not None else 0.0
    return {
        "present": bool(onsets.size >= 2 and contrast >= contrast_min),
        "threshold_Hz": threshold, "up_rate_Hz": up_rate, "down_rate_Hz": down_rate,
        "duty_cycle": float(up.mean()), "n_up": int(onsets.size),
        "period_ms": float(np.diff(onsets).mean() * bin_ms) if onsets.size >= 2 else None,
    }


def input_currents(state: dict, E_ex_mV: float, E_in_mV: float, g_ex: str, g_in: str,
                   V: str) -> dict:
    """Mean excitatory, inhibitory and total synaptic currents (pA) of the sampled neurons.

    state: columns of the multimeter (the membrane potential ``V`` in mV, the
    conductances ``g_ex``, ``g_in`` in nS). I_syn = g (E_syn - V).
    Also the temporal s.d. of the total current and the temporal variances of both
    conductances per neuron (fluctuations), averaged over the neurons.
    """
    V = state[V]
    I_ex = state[g_ex] * (E_ex_mV - V)
    I_in = state[g_in] * (E_in_mV - V)
    tot = I_ex + I_in
    senders = state["sender"]
    uniq, inv = np.unique(senders, return_inverse=True)
    n = np.bincount(inv).astype(float)

    def temporal_var(x):  # per neuron, then averaged over the sampled neurons
        mean = np.bincount(inv, x) / n
        return np.clip(np.bincount(inv, x**2) / n - mean**2, 0, None)

    sd = np.sqrt(temporal_var(tot))
    return {
        "n_sampled": int(uniq.size),
        "I_ex_pA": float(I_ex.mean()),
        "I_in_pA": float(I_in.mean()),
        "I_total_pA": float(tot.mean()),
        "I_total_sd_pA": float(sd.mean()),
        "g_ex_nS": float(state[g_ex].mean()),
        "g_in_nS": float(state[g_in].mean()),
        "g_ex_var_nS2": float(temporal_var(state[g_ex]).mean()),
        "g_in_var_nS2": float(temporal_var(state[g_in]).mean()),
        "V_m_mean_mV": float(V.mean()),
        "V_m_sd_mV": float(V.std()),
    }
