"""The balanced-state claims, measured: linear rate response, fast tracking, K scaling.

Pure functions on numbers already extracted from the simulations. Units: rates Hz,
conductances nS, times ms (seconds only where a rate multiplies them), currents pA.
"""

from __future__ import annotations

import numpy as np

from ..units import S_PER_MS


def balance_rate(inputs: dict, I_ext_pA: float, g_L_nS: float, E_L_mV: float, V_bar_mV: float,
                 nu_ext_Hz: float) -> float:
    """Rate (Hz) at which the mean synaptic + leak current vanishes at V = V_bar.

    With identical inputs to E and I neurons, r_E = r_I = r solves
      K_E c_e G_E tau_e r (E_e - V) + K_I c_i G_I tau_i r (E_i - V)
        + K_ext c_e G_ext tau_e nu (E_e - V) + I_ext + g_L (E_L - V) = 0,
    the mean conductance of a synapse being c G tau r (c = 1 exponential, e alpha).
    inputs: synapses.network_inputs ("E", "I", "ext").
    """
    E, I, X = inputs["E"], inputs["I"], inputs["ext"]
    q_e, q_i = E.charge_per_mV(V_bar_mV), I.charge_per_mV(V_bar_mV)  # nS s mV per nS per spike
    rec = E.K * E.G_nS * q_e + I.K * I.G_nS * q_i
    drive = X.K * X.G_nS * X.charge_per_mV(V_bar_mV) * nu_ext_Hz + I_ext_pA
    drive += g_L_nS * (E_L_mV - V_bar_mV)
    return float(-drive / rec)


def linear_fit(x, y) -> dict:
    """Least-squares line y = slope x + intercept with R^2."""
    from scipy import stats  # here, not at the top: the MPI job imports this module

    lr = stats.linregress(np.asarray(x, float), np.asarray(y, float))
    return {"slope": float(lr.slope), "intercept": float(lr.intercept), "r2": float(lr.rvalue**2)}


def step_times(step: dict, t_sim_ms: float) -> tuple[list, list]:
    """Times (ms) at which the external rate steps up and down.

    From step.t_ms on, the rate alternates every half period between step.nu_ext_Hz
    (high) and the base rate, so that many up-steps can be averaged.
    """
    half = step["period_ms"] / 2
    ups = list(np.arange(step["t_ms"], t_sim_ms - step["period_ms"] + 1e-9, step["period_ms"]))
    return [float(t) for t in ups], [float(t + half) for t in ups]


def averaged_step_response(times_ms, n_neurons, ups_ms, period_ms, bin_ms=0.5, smooth_bins=3) -> dict:
    """Population rate averaged over the up-steps, and the time to 63% of the change.

    Aligned on each up-step over [-period/2, period/2). Baseline: mean rate over the
    half period before the step; new level: mean over the last half of the up phase.
    The response time is the first time after the step at which the smoothed average
    has covered 63% (1 - 1/e) of the change.
    """
    half = period_ms / 2
    edges = np.arange(-half, half + 1e-9, bin_ms)
    counts = np.zeros(len(edges) - 1)
    for t_up in ups_ms:
        counts += np.histogram(np.asarray(times_ms) - t_up, edges)[0]
    rate = counts / (len(ups_ms) * n_neurons * bin_ms * S_PER_MS)
    smooth = np.convolve(rate, np.ones(smooth_bins) / smooth_bins, mode="same")
    centers = edges[:-1] + bin_ms / 2
    r0 = rate[centers < 0].mean()
    r1 = rate[centers >= half / 2].mean()
    target = r0 + (1 - np.exp(-1)) * (r1 - r0)
    post = np.flatnonzero(centers >= 0)
    crossed = post[(smooth[post] - target) * np.sign(r1 - r0) >= 0]
    t_resp = float(centers[crossed[0]]) if crossed.size else float("nan")
    return {"t_ms": centers, "rate_Hz": rate, "smooth_Hz": smooth, "rate_before_Hz": float(r0),
            "rate_after_Hz": float(r1), "response_time_ms": t_resp, "n_steps": len(ups_ms)}
