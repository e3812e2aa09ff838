"""The balanced-state claims, measured: linear rate response, fast tracking, K scaling.

Pure functions on numbers already extracted from the simulations. Units: rates Hz,
conductances nS, times ms (converted to s where a rate multiplies them), currents pA.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def balance_rate(d: dict, net: dict, syn: dict, g_L_nS: float, E_L_mV: float, V_bar_mV: float,
                 nu_ext_Hz: float) -> float:
    """Rate (Hz) at which the mean synaptic + leak current vanishes at V = V_bar.

    With identical inputs to E and I neurons, r_E = r_I = r solves
      K_E c_e G_E tau_e r (E_e - V) + K_I c_i G_I tau_i r (E_i - V)
        + K_ext c_e G_ext tau_e nu (E_e - V) + I_ext + g_L (E_L - V) = 0,
    the mean conductance of a synapse being c G tau r (c = 1 exponential, e alpha).
    syn: {"excitatory"/"inhibitory": {"c", "tau_ms", "E_rev_mV"}}.
    """
    e, i = syn["excitatory"], syn["inhibitory"]
    q_e = e["c"] * e["tau_ms"] * 1e-3 * (e["E_rev_mV"] - V_bar_mV)  # nS*s*mV per nS per spike
    q_i = i["c"] * i["tau_ms"] * 1e-3 * (i["E_rev_mV"] - V_bar_mV)
    rec = net["K_E"] * d["G_EE_nS"] * q_e + net["K_I"] * d["G_I_nS"] * q_i
    drive = net["K_ext"] * d["G_ext_nS"] * q_e * nu_ext_Hz + net["I_ext_pA"]
    drive += g_L_nS * (E_L_mV - V_bar_mV)
    return float(-drive / rec)


def linear_fit(x, y) -> dict:
    """Least-squares line y = slope x + intercept with R^2."""
    lr = stats.linregress(np.asarray(x, float), np.asarray(y, float))
    return {"slope": float(lr.slope), "intercept": float(lr.intercept), "r2": float(lr.rvalue**2)}


def step_response(times_ms, n_neurons, t_step_ms, t0_ms, t1_ms, bin_ms=1.0, smooth_bins=5) -> dict:
    """Population rate around a step of the input and the time to 63% of the change.

    Baseline: mean rate over the 200 ms before the step; new level: mean rate from
    100 ms after the step to the end. The response time is the first time after the
    step at which the smoothed rate has covered 63% (1 - 1/e) of the change.
    """
    edges = np.arange(t0_ms, t1_ms + 1e-9, bin_ms)
    counts = np.histogram(times_ms, edges)[0]
    rate = counts / (n_neurons * bin_ms * 1e-3)
    kernel = np.ones(smooth_bins) / smooth_bins
    smooth = np.convolve(rate, kernel, mode="same")
    centers = edges[:-1] + bin_ms / 2
    before = (centers >= t_step_ms - 200) & (centers < t_step_ms)
    after = centers >= t_step_ms + 100
    r0, r1 = rate[before].mean(), rate[after].mean()
    target = r0 + (1 - np.exp(-1)) * (r1 - r0)
    post = np.flatnonzero(centers >= t_step_ms)
    crossed = post[(smooth[post] - target) * np.sign(r1 - r0) >= 0]
    t_resp = float(centers[crossed[0]] - t_step_ms) if crossed.size else float("nan")
    return {"t_ms": centers, "rate_Hz": rate, "smooth_Hz": smooth, "rate_before_Hz": float(r0),
            "rate_after_Hz": float(r1), "response_time_ms": t_resp}
