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


def fit_shift(I_pA, g_nS, rate_Hz, band_Hz) -> dict:
    """Joint threshold-linear fit over all conductance levels, on rates within band_Hz.

    Returns beta (Hz/pA), I_theta0 (pA), v_theta (mV) with 95% intervals and R^2.
    """
    I, g, r = (np.asarray(a, dtype=float) for a in (I_pA, g_nS, rate_Hz))
    sel = (r >= band_Hz[0]) & (r <= band_Hz[1])
    if sel.sum() < 4 or np.unique(g[sel]).size < 2:
        raise ValueError(f"too few points in the fit band {band_Hz} Hz to fit the threshold shift")
    I, g, r = I[sel], g[sel], r[sel]
    # Linear in (a, b, c): r = a I + b + c g  ->  beta = a, I_theta0 = -b/a, v_theta = -c/a.
    A = np.column_stack([I, np.ones_like(I), g])
    (a, b, c), *_ = np.linalg.lstsq(A, r, rcond=None)

    def model(X, beta, i0, v):
        return beta * (X[0] - i0 - v * X[1])

    p0 = (a, -b / a, -c / a)
    with warnings.catch_warnings():  # an exact fit has no covariance: intervals are None
        warnings.simplefilter("ignore", optimize.OptimizeWarning)
        popt, pcov = optimize.curve_fit(model, np.vstack([I, g]), r, p0=p0)
    resid = r - model(np.vstack([I, g]), *popt)
    r2 = 1.0 - np.sum(resid**2) / np.sum((r - r.mean()) ** 2)
    se = np.sqrt(np.diag(pcov))
    dof = len(r) - 3
    return {
        "gain_Hz_per_pA": float(popt[0]),
        "gain_ci_Hz_per_pA": _ci95(popt[0], se[0], dof),
        "I_theta0_pA": float(popt[1]),
        "I_theta0_ci_pA": _ci95(popt[1], se[1], dof),
        "v_theta_mV": float(popt[2]),
        "v_theta_ci_mV": _ci95(popt[2], se[2], dof),
        "r2": float(r2),
        "n_points": int(len(r)),
    }


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
