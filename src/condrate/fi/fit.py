"""Threshold shift of the f-I curve with membrane conductance.

Model (Lecture 11, eq. 11.6-11.7): r = beta [I - I_theta0 - v_theta g_total]_+ with
I (pA), g_total (nS), v_theta (mV, since pA/nS = mV), beta (Hz/pA).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import optimize, stats


def _ci95(estimate: float, se: float, dof: int) -> list:
    """Two-sided 95% t interval; [None, None] where the error is undefined (exact fit)."""
    if not np.isfinite(se):
        return [None, None]
    half = stats.t.ppf(0.975, max(dof, 1)) * se
    return [float(estimate - half), float(estimate + half)]


def linear_shift(I, g, r) -> tuple:
    """(beta, I_theta0, v_theta) of the least-squares fit r = beta (I - I_theta0 - v g):
    linear in (a, b, c) as r = a I + b + c g, beta = a, I_theta0 = -b/a, v_theta = -c/a."""
    A = np.column_stack([I, np.ones_like(I), g])
    (a, b, c), *_ = np.linalg.lstsq(A, r, rcond=None)
    return a, -b / a, -c / a


BOOTSTRAP_SAMPLES = 400
BOOTSTRAP_SEED = 1


def bootstrap_shift(I, g, r, n=BOOTSTRAP_SAMPLES, seed=BOOTSTRAP_SEED) -> np.ndarray:
    """(n, 3) bootstrap estimates of (beta, I_theta0, v_theta): the fitted points
    (neurons) resampled with replacement within each conductance level, so every
    level keeps its count; a fixed seed keeps the bytes reproducible."""
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(g == x) for x in np.unique(g)]
    out = np.empty((n, 3))
    for k in range(n):
        idx = np.concatenate([rng.choice(grp, grp.size) for grp in groups])
        out[k] = linear_shift(I[idx], g[idx], r[idx])
    return out


def sub_bands(band_Hz) -> list:
    """The fit band and four narrower ones (lower and upper half, lower edge doubled,
    upper edge halved): where the fit moves with the band, the model is misspecified."""
    lo, hi = band_Hz
    mid = (lo + hi) / 2
    return [[lo, hi], [lo, mid], [mid, hi], [2 * lo, hi], [lo, hi / 2]]


def band_sensitivity(I, g, r, band_Hz) -> dict:
    """v_theta, beta, I_theta0 refitted on each of sub_bands (with >= 4 points over
    >= 2 levels); their ranges."""
    fits = []
    for band in sub_bands(band_Hz):
        sel = (r >= band[0]) & (r <= band[1])
        if sel.sum() >= 4 and np.unique(g[sel]).size >= 2:
            fits.append((band, *linear_shift(I[sel], g[sel], r[sel])))
    est = np.array([f[1:] for f in fits])
    return {"bands_Hz": [f[0] for f in fits],
            "gain_Hz_per_pA": est[:, 0].tolist(), "I_theta0_pA": est[:, 1].tolist(),
            "v_theta_mV": est[:, 2].tolist()}


INTERVALS = {
    "ci": "95 % t-interval from the fit covariance: assumes the threshold-linear model is "
          "right and the noise uniform; too narrow when the f-I curve is curved",
    "bootstrap_ci": "95 % percentile interval of a bootstrap over the fitted neurons "
                    "(resampled within each conductance level)",
    "band_range": "range of the estimates over the fit band and four narrower bands "
                  "(band_sensitivity): the model-misspecification spread",
    "interval": "the reported interval: the union of bootstrap_ci and band_range",
}


def fit_shift(I_pA, g_nS, rate_Hz, band_Hz) -> dict:
    """Joint threshold-linear fit over all conductance levels, on rates within band_Hz.

    Returns beta (Hz/pA), I_theta0 (pA), v_theta (mV) with 95% intervals and R^2.
    """
    I, g, r = (np.asarray(a, dtype=float) for a in (I_pA, g_nS, rate_Hz))
    sel = (r >= band_Hz[0]) & (r <= band_Hz[1])
    if sel.sum() < 4 or np.unique(g[sel]).size < 2:
        raise ValueError(f"too few points in the fit band {band_Hz} Hz to fit the threshold shift")
    I_all, g_all, r_all = I, g, r
    I, g, r = I[sel], g[sel], r[sel]

    def model(X, beta, i0, v):
        return beta * (X[0] - i0 - v * X[1])

    p0 = linear_shift(I, g, r)
    with warnings.catch_warnings():  # an exact fit has no covariance: intervals are None
        warnings.simplefilter("ignore", optimize.OptimizeWarning)
        popt, pcov = optimize.curve_fit(model, np.vstack([I, g]), r, p0=p0)
    resid = r - model(np.vstack([I, g]), *popt)
    r2 = 1.0 - np.sum(resid**2) / np.sum((r - r.mean()) ** 2)
    se = np.sqrt(np.diag(pcov))
    dof = len(r) - 3
    boot = bootstrap_shift(I, g, r)
    bands = band_sensitivity(I_all, g_all, r_all, band_Hz)
    out = {"r2": float(r2), "n_points": int(len(r)), "interval_kinds": INTERVALS,
           "band_sensitivity": bands}
    for j, (name, unit) in enumerate((("gain", "Hz_per_pA"), ("I_theta0", "pA"),
                                      ("v_theta", "mV"))):
        key = f"{name}_{unit}"
        lo, hi = np.percentile(boot[:, j], [2.5, 97.5])
        spread = [min(bands[key]), max(bands[key])]
        out |= {key: float(popt[j]), f"{name}_ci_{unit}": _ci95(popt[j], se[j], dof),
                f"{name}_bootstrap_ci_{unit}": [float(lo), float(hi)],
                f"{name}_band_range_{unit}": spread,
                f"{name}_interval_{unit}": [float(min(lo, spread[0])), float(max(hi, spread[1]))]}
    return out


def rheobase(I_pA, rate_Hz, criterion_Hz: float) -> float:
    """Current (pA) where the rate first rises through ``criterion_Hz`` for good.

    Linear interpolation between the last grid point below the criterion and the
    next one; NaN when the curve never crosses it inside the grid.
    """
    I, r = np.asarray(I_pA, dtype=float), np.asarray(rate_Hz, dtype=float)
    order = np.argsort(I)
    I, r = I[order], r[order]
    below = np.flatnonzero(r < criterion_Hz)
    if below.size == 0 or below[-1] == len(r) - 1:
        return float("nan")
    k = below[-1]
    return float(I[k] + (criterion_Hz - r[k]) * (I[k + 1] - I[k]) / (r[k + 1] - r[k]))


def level_gain(I_pA, rate_Hz, band_Hz) -> float:
    """Slope (Hz/pA) of one f-I curve over the rates inside band_Hz; NaN if < 3 points."""
    I, r = np.asarray(I_pA, dtype=float), np.asarray(rate_Hz, dtype=float)
    sel = (r >= band_Hz[0]) & (r <= band_Hz[1])
    if sel.sum() < 3:
        return float("nan")
    return float(stats.linregress(I[sel], r[sel]).slope)


def onset(I_pA, rate_Hz, band_Hz) -> dict:
    """How one f-I curve starts: what the derivation's threshold-linear f assumes.

    Returns first_rate_Hz, the rate at the first grid point that fires (a threshold-
    linear curve starts near 0; a type II neuron jumps to a finite rate), with
    first_current_pA and grid_step_pA (the first rate is resolved to gain x step);
    gain_Hz_per_pA and r2, the slope and R^2 of a straight line through the points
    inside band_Hz (NaN if fewer than 3).
    """
    I, r = np.asarray(I_pA, dtype=float), np.asarray(rate_Hz, dtype=float)
    order = np.argsort(I)
    I, r = I[order], r[order]
    firing = np.flatnonzero(r > 0)
    out = {"first_rate_Hz": float("nan"), "first_current_pA": float("nan"),
           "grid_step_pA": float(np.median(np.diff(I))) if len(I) > 1 else float("nan"),
           "gain_Hz_per_pA": float("nan"), "r2": float("nan")}
    if firing.size:
        out |= {"first_rate_Hz": float(r[firing[0]]), "first_current_pA": float(I[firing[0]])}
    sel = (r >= band_Hz[0]) & (r <= band_Hz[1])
    if sel.sum() >= 3:
        lr = stats.linregress(I[sel], r[sel])
        out |= {"gain_Hz_per_pA": float(lr.slope), "r2": float(lr.rvalue**2)}
    return out


def fit_condition(I_pA, g_nS, rate_Hz, band_Hz, criterion_Hz) -> dict:
    """Everything threshold_fit.json reports for one condition.

    Joint fit (fit_shift), plus per conductance level: rheobase (pA), gain (Hz/pA)
    and gain ratio to the lowest level; v_theta_rheobase_mV is the slope of rheobase
    vs g_total with its 95% interval.
    """
    I, g, r = (np.asarray(a, dtype=float) for a in (I_pA, g_nS, rate_Hz))
    out = fit_shift(I, g, r, band_Hz)
    levels = np.unique(g)
    rheo = np.array([rheobase(I[g == x], r[g == x], criterion_Hz) for x in levels])
    gains = np.array([level_gain(I[g == x], r[g == x], band_Hz) for x in levels])
    ok = np.isfinite(rheo)
    if ok.sum() >= 2:
        lr = stats.linregress(levels[ok], rheo[ok])
        out["v_theta_rheobase_mV"] = float(lr.slope)
        out["v_theta_rheobase_ci_mV"] = (
            _ci95(lr.slope, lr.stderr, ok.sum() - 2) if ok.sum() > 2 else [None, None]
        )
        out["I_theta0_rheobase_pA"] = float(lr.intercept)
    else:
        out["v_theta_rheobase_mV"] = None
        out["v_theta_rheobase_ci_mV"] = [None, None]
        out["I_theta0_rheobase_pA"] = None
    out["rheobase_criterion_Hz"] = float(criterion_Hz)
    out["fit_band_Hz"] = [float(band_Hz[0]), float(band_Hz[1])]
    out["g_total_nS"] = levels.tolist()
    out["rheobase_pA"] = [None if not np.isfinite(x) else float(x) for x in rheo]
    out["gain_per_level_Hz_per_pA"] = [None if not np.isfinite(x) else float(x) for x in gains]
    out["gain_ratio"] = [
        None if not np.isfinite(x / gains[0]) else float(x / gains[0]) for x in gains
    ]
    return out


def threshold_fit(curves: dict, band_Hz, criterion_Hz, neuron: dict, provenance: dict) -> dict:
    """threshold_fit.json content from the f-I curve columns (see condrate.fi.experiment.fi_curves)."""
    out = {"neuron": neuron, "provenance": provenance}
    cond = np.asarray(curves["condition"])
    for c in sorted(set(cond.tolist())):
        m = cond == c
        out[c] = fit_condition(
            curves["I_pA"][m], curves["g_total_nS"][m], curves["rate_Hz"][m], band_Hz, criterion_Hz
        )
    return out
