"""Semi-analytic transfer function (Zerlaut et al., J Comput Neurosci 2018; di Volo et
al., Neural Comput 2019), calibrated on single unconnected NEST neurons.

The membrane potential under shot-noise conductance input has a mean mu_V, a spread
sigma_V and a correlation time tau_V that follow from the input rates (Kuhn, Aertsen &
Rotter 2004; Richardson 2004 for the effective time constant). The rate is then

    F = erfc((V_eff - mu_V) / (sqrt(2) sigma_V)) / (2 tau_V),

with an effective threshold V_eff that is a second-order polynomial in the normalised
(mu_V, sigma_V, tau_V), and the refractory period as a dead time, F / (1 + t_ref F). The polynomial is fitted on calibration conditions of the
open-loop run (single neurons only, conditions never used to judge a prediction).

Why by hand: the published code of this mean field (Zerlaut's, di Volo's) is written
for AdEx with exponential synapses and its own simulator; condrate needs it for NEST's
models and alpha synapses, in NEST's units. Times in ms, potentials in mV, rates Hz.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, special

from ..units import MS_PER_S

TERMS = ("1", "x", "y", "z", "xx", "yy", "zz", "xy", "xz", "yz")
LINEAR_TERMS = 4  # with too few calibration points: V_eff linear in x, y, z
RATE_FLOOR_HZ = 0.1  # log-rate residuals of the refinement: log((F + floor) / (r + floor))


def _alpha_power(a: float, b: float) -> float:
    """(1/2 pi) integral dw / ((1 + a^2 w^2)^2 (1 + b^2 w^2)) (ms^-1), by partial
    fractions; a = tau_syn, b = T_m (ms)."""
    if abs(a - b) < 1e-6 * a:
        b = a * (1 + 1e-4)
    d = (b * b - a * a) ** 2
    return -a * b * b / (2 * d) + a / (4 * (a * a - b * b)) + b**3 / (2 * d)


def membrane_moments(model, sources, I_ext_pA: float = 0.0) -> dict:
    """mu_V (mV), sigma_V (mV), tau_V (ms), mu_G (nS) and T_m (ms) of a neuron
    receiving ``sources``: (SynapticInput, rate Hz) pairs (Campbell's theorem on the
    PSP of one input: integral v dt and integral v^2 dt, exponential or alpha kernel),
    and a constant current I_ext_pA."""
    C = model.C_m_pF
    mu_G = model.g_L_nS + sum(inp.mean_nS(r) for inp, r in sources)
    mu_V = (model.g_L_nS * model.E_L_mV + I_ext_pA
            + sum(inp.mean_nS(r) * inp.E_rev_mV for inp, r in sources)) / mu_G
    T_m = C / mu_G
    s1, s2 = 0.0, 0.0   # sum lambda (int v)^2, sum lambda int v^2
    for inp, r in sources:
        lam = inp.K * r / MS_PER_S          # input spikes per ms
        if lam <= 0 or inp.G_nS <= 0:
            continue
        A = inp.G_nS * (inp.E_rev_mV - mu_V) / C   # mV/ms per unit kernel
        tau = inp.tau_ms
        if inp.shape == "exponential":
            iv = A * tau * T_m
            iv2 = A * A * tau * tau * T_m * T_m / (2 * (tau + T_m))
        else:
            iv = A * math.e * tau * T_m
            iv2 = A * A * math.e**2 * tau * tau * T_m * T_m * _alpha_power(tau, T_m)
        s1 += lam * iv * iv
        s2 += lam * iv2
    sigma = math.sqrt(s2) if s2 > 0 else 0.0
    tau_V = s1 / (2 * s2) if s2 > 0 else T_m
    return {"mu_V_mV": mu_V, "sigma_V_mV": sigma, "tau_V_ms": tau_V, "mu_G_nS": mu_G,
            "T_m_ms": T_m}


def _design(m: dict, norm: dict, n_terms: int = len(TERMS)) -> np.ndarray:
    x = (m["mu_V_mV"] - norm["mu_V_mV"][0]) / norm["mu_V_mV"][1]
    y = (m["sigma_V_mV"] - norm["sigma_V_mV"][0]) / norm["sigma_V_mV"][1]
    z = (m["tau_V_ms"] - norm["tau_V_ms"][0]) / norm["tau_V_ms"][1]
    return np.array([1.0, x, y, z, x * x, y * y, z * z, x * y, x * z, y * z])[:n_terms]


def _with_dead_time(F0_Hz, t_ref_ms: float):
    return F0_Hz / (1 + t_ref_ms * F0_Hz / MS_PER_S)


def rate_Hz(m: dict, calibration: dict) -> float:
    """F (Hz) at the membrane moments ``m`` with the fitted effective threshold."""
    if m["sigma_V_mV"] <= 0:
        return 0.0
    coef = calibration["coefficients_mV"]
    V_eff = float(_design(m, calibration["normalisation"], len(coef)) @ coef)
    arg = (V_eff - m["mu_V_mV"]) / (math.sqrt(2) * m["sigma_V_mV"])
    F0 = MS_PER_S * special.erfc(arg) / (2 * m["tau_V_ms"])
    return float(_with_dead_time(F0, calibration["t_ref_ms"]))


def effective_threshold(m: dict, F_Hz: float, t_ref_ms: float) -> float:
    """The V_eff (mV) at which the formula gives the measured rate F_Hz."""
    F0 = F_Hz / (1 - t_ref_ms * F_Hz / MS_PER_S)
    return m["mu_V_mV"] + math.sqrt(2) * m["sigma_V_mV"] * float(
        special.erfcinv(2 * m["tau_V_ms"] * F0 / MS_PER_S))


def fit(moments: list[dict], rates_Hz, band_Hz, t_ref_ms: float) -> dict:
    """Least-squares fit of the effective-threshold polynomial on the conditions whose
    measured rate lies in band_Hz (where erfcinv is well defined and the neurons are
    not saturated). Returns the calibration record (coefficients, normalisation)."""
    rates = np.asarray(rates_Hz, float)
    F0 = rates / (1 - t_ref_ms * rates / MS_PER_S)
    use = [k for k, r in enumerate(rates) if band_Hz[0] <= r <= band_Hz[1]
           and moments[k]["sigma_V_mV"] > 0 and 0 < 2 * moments[k]["tau_V_ms"] * F0[k] < MS_PER_S]
    n_terms = len(TERMS) if len(use) >= 2 * len(TERMS) else LINEAR_TERMS
    if len(use) < 2 * LINEAR_TERMS:
        raise ValueError(f"calibration: {len(use)} conditions with a rate in {band_Hz} Hz; "
                         f"the effective threshold needs at least {2 * LINEAR_TERMS}")
    norm = {}
    for key in ("mu_V_mV", "sigma_V_mV", "tau_V_ms"):
        v = np.array([moments[k][key] for k in use])
        norm[key] = [float(v.mean()), float(v.std()) or 1.0]
    X = np.array([_design(moments[k], norm, n_terms) for k in use])
    y = np.array([effective_threshold(moments[k], rates[k], t_ref_ms) for k in use])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    # then, as Zerlaut et al. do, refine on the rates themselves (log-rate residuals)
    mu = np.array([moments[k]["mu_V_mV"] for k in use])
    sig = np.array([moments[k]["sigma_V_mV"] for k in use])
    tau = np.array([moments[k]["tau_V_ms"] for k in use])

    def residuals(c):
        F = _with_dead_time(MS_PER_S * special.erfc((X @ c - mu) / (math.sqrt(2) * sig))
                            / (2 * tau), t_ref_ms)
        return np.log((F + RATE_FLOOR_HZ) / (rates[use] + RATE_FLOOR_HZ))

    coef = optimize.least_squares(residuals, coef).x
    return {"coefficients_mV": coef.tolist(), "terms": list(TERMS[:n_terms]),
            "normalisation": norm, "t_ref_ms": t_ref_ms,
            "fit_band_Hz": list(band_Hz), "n_fitted": len(use)}
