"""Dynamics of the rate model, tau dmu/dt = -mu + W f(mu) + h (Lecture eq. 11.32), and
its response to the network's step of the external rate.

Units as in rate_model: W in pC, rates in Hz, currents in pA. The Euler integration
runs in seconds, the unit in which W (pC) times a rate (Hz) is a current (pA); the
inputs and outputs of :func:`model_step_response` are in ms like the rest of condrate.
"""

from __future__ import annotations

import numpy as np

from ..units import MS_PER_S, S_PER_MS
from . import rate_model as rt
from .rate_model import f_linear


def rate_dynamics(p: dict, h_of_t, tau_s: float, dt_s: float, t_end_s: float,
                  mu0=(0.0, 0.0)) -> tuple[np.ndarray, np.ndarray]:
    """Euler integration of tau dmu/dt = -mu + W f(mu) + h(t), f threshold-linear.

    h_of_t(t) -> external input minus threshold (pA) per population.
    Returns (times s, rates Hz of shape (n, 2))."""
    W, beta = np.asarray(p["W_pC"]), p["beta_Hz_per_pA"]
    n = int(round(t_end_s / dt_s))
    mu = np.array(mu0, float)
    t = np.arange(n) * dt_s
    rates = np.empty((n, 2))
    for k in range(n):
        rates[k] = f_linear(mu, beta)
        mu = mu + dt_s / tau_s * (-mu + W @ rates[k] + h_of_t(t[k]))
    return t, rates


def synaptic_rate_dynamics(p: dict, nu_of_t, dt_s: float, t_end_s: float, r0,
                           nu0_Hz: float) -> tuple[np.ndarray, np.ndarray]:
    """Euler integration of the rate model with synaptic filtering (Dayan & Abbott 7.2):
    r = f(sum_b W_b s_b + W_ext s_ext - theta), tau_b ds_b/dt = -s_b + r_b, and the
    external rate filtered by its synapse alike. tau_b from p["synapses"] (s); the same
    fixed points as rate_dynamics, but the input follows with the synaptic time constants.

    nu_of_t(t) -> external rate (Hz); r0: rates (Hz) at t = 0, at rest with nu0_Hz.
    Returns (times s, rates Hz of shape (n, 2))."""
    W, W_ext, beta = np.asarray(p["W_pC"]), np.asarray(p["W_ext_pC"]), p["beta_Hz_per_pA"]
    syn = p["synapses"]
    tau = np.array([syn["E"].tau_ms, syn["I"].tau_ms]) * S_PER_MS
    tau_x = syn["ext"].tau_ms * S_PER_MS
    n = int(round(t_end_s / dt_s))
    s, s_x = np.array(r0, float), float(nu0_Hz)
    t = np.arange(n) * dt_s
    rates = np.empty((n, 2))
    for k in range(n):
        rates[k] = f_linear(W @ s + W_ext * s_x - p["theta_pA"], beta)
        s = s + dt_s / tau * (rates[k] - s)
        s_x = s_x + dt_s / tau_x * (nu_of_t(t[k]) - s_x)
    return t, rates


def membrane_time_constants(p: dict, model, rates_Hz, nu_ext_Hz: float) -> dict:
    """tau_m = C_m / g_L and the theory's own tau_eff = C_m / g_total (ms), g_total the
    leak plus the mean synaptic conductances at ``rates_Hz`` (r_E, r_I) and nu_ext."""
    syn, C_m = p["synapses"], model.C_m_pF
    g_syn = (syn["E"].mean_nS(rates_Hz[0]) + syn["I"].mean_nS(rates_Hz[1])
             + syn["ext"].mean_nS(nu_ext_Hz))
    return {"tau_m_ms": C_m / model.g_L_nS, "tau_eff_ms": C_m / (model.g_L_nS + g_syn)}


def model_step_response(p: dict, model, step: dict, measured: dict) -> tuple[dict, dict]:
    """The rate model's response to the network's step of the external rate.

    From the fixed point at the base rate, three versions of the dynamics with the
    threshold-linear f: tau dmu/dt = -mu + W f(mu) + h with tau = tau_m (the lecture's
    choice) or tau_eff = C_m / g_total (the high-conductance membrane, g_total from the
    theory's own fixed point: membrane_time_constants), and the synaptic rate model
    (each input filtered by its synapse's tau). Nothing is taken from the network but
    the step itself (rates and times) and, to compare with, its response. The
    network records the rate of all neurons; E and I share their inputs here, so the
    model's r_E = r_I is that rate. Returns the table on the measured time grid (ms
    from the step), the response times (to 63 % of the change) and the peak of the
    normalised change in the first half of the up phase (> 1: an overshoot)."""
    nu0, nu1 = step["nu_ext_before_Hz"], step["step"]["nu_ext_Hz"]
    start = rt.rest_fixed_point(rt.linear_fixed_points(p, nu0))
    taus = membrane_time_constants(p, model, start["rates_Hz"] if start else (0.0, 0.0), nu0)
    t_ms = np.asarray(measured["t_ms"], float)
    table = {"t_ms": t_ms, "simulated_Hz": measured["rate_Hz"],
             "simulated_smooth_Hz": measured["smooth_Hz"]}
    times = {"simulated": step["response_time_ms"]}
    peaks = {"simulated": peak_change(t_ms, measured["smooth_Hz"])}
    # Euler steps well inside the fastest mode, tau / (1 + |beta lambda(W)|)
    fast = 1 + np.max(np.abs(np.linalg.eigvals(p["beta_Hz_per_pA"] * np.asarray(p["W_pC"]))))
    t_end = t_ms.max() * S_PER_MS
    for name in ("tau_m", "tau_eff", "synaptic"):
        if start is None:
            table[f"predicted_Hz_{name}"], times[name], peaks[name] = [None] * t_ms.size, None, None
            continue
        if name == "synaptic":
            tau_s = min(s.tau_ms for s in p["synapses"].values()) * S_PER_MS
            dt = 0.1 * tau_s / fast
            t, r = synaptic_rate_dynamics(p, lambda _t: nu1, dt, t_end + dt,
                                          start["rates_Hz"], nu0)
        else:
            tau_s = taus[f"{name}_ms"] * S_PER_MS
            dt = 0.1 * tau_s / fast
            h1 = np.asarray(p["W_ext_pC"]) * nu1 - p["theta_pA"]
            t, r = rate_dynamics(p, lambda _t: h1, tau_s, dt, t_end + dt,
                                 rt.drive(p, start["rates_Hz"], nu0))
        rate = r[:, 0]
        table[f"predicted_Hz_{name}"] = np.where(t_ms < 0, rate[0], np.interp(t_ms * S_PER_MS, t, rate))
        change = rate - rate[0]
        # first time at 63 % of the final change, for a rise or a fall alike
        reached = np.flatnonzero(change / change[-1] >= 1 - np.exp(-1)) if change[-1] else []
        times[name] = float(t[reached[0]] * MS_PER_S) if len(reached) else None
        peaks[name] = peak_change(t_ms, table[f"predicted_Hz_{name}"])
    return table, {"response_time_ms": times, "peak_normalised_change": peaks,
                   "rate_before_Hz": start and start["rates_Hz"][0]} | taus | {
        "diagnostic_tau_eff_measured_ms": step["tau_eff_ms"],
        "diagnostic_note": "tau_eff of the network's sampled neurons (multimeter): a NEST "
                           "statistic, shown beside the theory's own tau_eff, used in no "
                           "prediction"}


def normalised_change(t_ms, rate):
    """(r - r_before) / (r_after - r_before): before = mean over t < 0, after = mean over
    the second half of the up phase (t >= t_max / 2); NaN if the rate does not change."""
    t, y = np.asarray(t_ms, float), np.asarray(rate, float)
    before, after = np.nanmean(y[t < 0]), np.nanmean(y[t >= t.max() / 2])
    return (y - before) / (after - before) if after != before else np.full(y.shape, np.nan)


def peak_change(t_ms, rate):
    """Largest normalised change in the first half of the up phase (None if undefined)."""
    t = np.asarray(t_ms, float)
    z = normalised_change(t, rate)[(t >= 0) & (t < t.max() / 2)]
    return None if np.all(np.isnan(z)) else float(np.nanmax(z))


def step_with_adaptation(p: dict, model, step: dict, measured: dict, slow_ms=None):
    """The network's step of the external rate for an adapting integrate-and-fire model:
    the fluctuation-aware rate (ii) with its averaged adaptation variables made dynamic,
    against the slow component of NEST's averaged step response. None for a model that
    does not adapt, for an up phase shorter than 2.5 of its slowest time constants, or
    where (ii) has no stable fixed point.

    The averaged variables of (ii) are those at the neuron's own steady rate; here each
    mechanism's A_j relaxes with its own time constant, tau_j dA_j/dt = A_j,inf(r) - A_j
    (A_j,inf its mean at rate r, condrate.theory.adaptation), and the rates follow at
    once: r(t) is the stable fixed point of r = F(r, r, nu_ext; sum_j A_j) with the
    adaptation held, the lowest one (rate_model.fluct_rate with ``adaptation_pA``). From
    the fixed point at the base rate, so that its end state is (ii)'s fixed point at the
    step's rate. Both responses are fitted alike (adaptation.fit_relaxation: r_inf + A
    e^{-t/tau} from three fast time scales after the step on: the theory's own tau_eff,
    the synapses and every mechanism faster than ``slow_ms``). The slow time
    constant's linearisation, tau_a / (1 + J_net) with J_net the loop gain of the
    averaged variable through the network, is the check on the integration
    (tests). Nothing is taken from the network but the step itself."""
    from . import adaptation as ad
    from . import transfer

    if not rt.adapts(model):
        return None
    mechs = ad.from_model(model).mechanisms()
    tau = np.array([m.tau_ms for m in mechs])
    if step["step"]["period_ms"] / 2 < 2.5 * tau.max():
        return None  # an up phase too short for the slow relaxation to be fitted
    nu0, nu1 = step["nu_ext_before_Hz"], step["step"]["nu_ext_Hz"]

    def currents(r, nu):
        mom = transfer.conductance_moments(rt.sources(p, r, r, nu), (1.0, 1.0, 1.0))
        return np.asarray(rt.adaptation_currents(model, mom)(r))

    def held_rate(A_pA, nu):
        point = rt.rest_fixed_point(rt.fixed_points_1d(
            lambda r: rt.fluct_rate(model, p, r, r, nu, adaptation_pA=A_pA)))
        return None if point is None else point["rates_Hz"][0]

    ends = [rt.rest_fixed_point(rt.fluct_fixed_points(p, model, nu)) for nu in (nu0, nu1)]
    if None in ends:
        return None
    r0, r1 = (q["rates_Hz"][0] for q in ends)
    A = currents(r0, nu0)
    # the rate at the step's drive as a function of the summed adaptation current, on a
    # grid over the range the slow variables sweep (the end values and a margin)
    lo, hi = sorted((A.sum(), currents(r1, nu1).sum()))
    grid = np.linspace(lo - 0.1 * (hi - lo) - 1.0, hi + 0.1 * (hi - lo) + 1.0, 41)
    rates = np.array([held_rate(a, nu1) for a in grid], dtype=float)
    t_ms = np.asarray(measured["t_ms"], float)
    dt = 0.5
    decay = np.exp(-dt / tau)
    t_model = np.arange(0.0, t_ms.max() + dt, dt)
    r_model = np.empty_like(t_model)
    for k in range(t_model.size):  # exponential Euler of each A_j
        r_model[k] = np.interp(A.sum(), grid, rates)
        target = currents(r_model[k], nu1)
        A = target + (A - target) * decay
    predicted = np.where(t_ms < 0, r0, np.interp(t_ms, t_model, r_model))
    g_total = model.g_L_nS + sum(mean for mean, _, _ in transfer.conductance_moments(
        rt.sources(p, r1, r1, nu1), (1.0, 1.0, 1.0)).values())
    fast = [model.C_m_pF / g_total, *(s.tau_ms for s in p["synapses"].values()),
            *(m.tau_ms for m in mechs if slow_ms is not None and m.tau_ms < slow_ms)]
    skip = 3.0 * max(fast)
    nest = ad.fit_relaxation(t_ms, measured["rate_Hz"], 0.0, skip, interval=True)
    model_fit = ad.fit_relaxation(t_ms, predicted, 0.0, skip)
    lo_tau, hi_tau = nest["tau_interval_ms"]
    summary = {
        "nest": nest, "predicted": model_fit,
        "rate_before_after_Hz": {"predicted": [r0, r1]},
        "tau_rel_error": abs(model_fit["tau_ms"] - nest["tau_ms"]) / nest["tau_ms"],
        "tau_within_interval": bool(lo_tau <= model_fit["tau_ms"] <= hi_tau),
        "slow_fraction": {k: slow_fraction(f) for k, f in (("nest", nest), ("predicted", model_fit))},
        "mechanism_tau_ms": tau.tolist(), "fit_from_ms": skip,
        "uses": "(ii)'s fluctuation-aware rate and the averaged variables from the model's "
                "parameters, each relaxing with its own time constant; nothing of the "
                "network run but its step (rates and times)"}
    return predicted, summary


def slow_fraction(fit: dict):
    """The slow component's share of the step's change of the rate,
    (r_inf + A - r_inf) / (r_inf + A - r_before): the part of the first response that
    the slow variables take back (None if the rate does not change)."""
    peak = fit["r_inf_Hz"] * fit["overshoot"] if fit["overshoot"] is not None else None
    if peak is None or peak == fit["r_before_Hz"]:
        return None
    return (peak - fit["r_inf_Hz"]) / (peak - fit["r_before_Hz"])
