"""Rate-model quantities derived from the conductance equations (Lecture 11), and the
rate model itself: fixed points with stability, dynamics, two transfer functions.

Units: conductances nS, times s inside W (so W r is in pA for r in Hz), potentials
mV, currents pA, rates Hz. W_ab, W_ext are charges (pC = nS s mV), theta a current.

    W_ab  = K_b c_b G_b tau_b (E_b - v_theta - E_L)        (population level: x in-degree)
    W_ext = K_ext c_e G_ext tau_e (E_e - E_L - v_theta)
    theta = I_theta0 + g_L v_theta
    r_a   = f(sum_b W_ab r_b + W_ext nu_ext + I_ext - theta)

c is 1 for exponential and e for alpha conductances (mean conductance c G tau r).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy import optimize, stats

POPS = ("E", "I")


def synapse_table(model, d: dict, net: dict) -> dict:
    """Per presynaptic source: in-degree K, peak G (nS), tau (ms), c, E_rev (mV)."""
    ex, inh = model.excitatory, model.inhibitory
    return {
        "E": {"K": net["K_E"], "G_nS": d["G_EE_nS"], "tau_ms": ex.tau_ms, "c": ex.charge_factor,
              "E_rev_mV": ex.E_rev_mV},
        "I": {"K": net["K_I"], "G_nS": d["G_I_nS"], "tau_ms": inh.tau_ms,
              "c": inh.charge_factor, "E_rev_mV": inh.E_rev_mV},
        "ext": {"K": net["K_ext"], "G_nS": d["G_ext_nS"], "tau_ms": ex.tau_ms,
                "c": ex.charge_factor, "E_rev_mV": ex.E_rev_mV},
    }


def weight(s: dict, v_theta_mV: float, E_L_mV: float) -> float:
    """Population-level weight K c G tau (E_rev - v_theta - E_L) in pC."""
    return s["K"] * s["c"] * s["G_nS"] * s["tau_ms"] * 1e-3 * (s["E_rev_mV"] - v_theta_mV - E_L_mV)


def derive(model, d: dict, net: dict, fit: dict) -> dict:
    """W (2x2), W_ext, theta, beta from the parameters and the deterministic f-I fit."""
    v, i0, beta = fit["v_theta_mV"], fit["I_theta0_pA"], fit["gain_Hz_per_pA"]
    syn = synapse_table(model, d, net)
    w = {b: weight(syn[b], v, model.E_L_mV) for b in syn}
    return {
        "W_pC": [[w["E"], w["I"]], [w["E"], w["I"]]],  # rows: post E, I; columns: pre E, I
        "W_ext_pC": [w["ext"], w["ext"]],
        "theta_pA": i0 + model.g_L_nS * v,
        "beta_Hz_per_pA": beta,
        "v_theta_mV": v,
        "I_theta0_pA": i0,
        "synapses": syn,
    }


def drive(p: dict, rates, nu_ext_Hz: float, I_ext_pA: float = 0.0) -> np.ndarray:
    """mu_a = sum_b W_ab r_b + W_ext nu_ext + I_ext - theta (pA), per population."""
    W, r = np.asarray(p["W_pC"]), np.asarray(rates, float)
    return W @ r + np.asarray(p["W_ext_pC"]) * nu_ext_Hz + I_ext_pA - p["theta_pA"]


def f_linear(mu, beta):
    """The derivation's threshold-linear transfer function beta [mu]_+ (Hz)."""
    return beta * np.clip(mu, 0.0, None)


def f_fluct(mu, sigma, beta):
    """beta [mu + sigma xi]_+ averaged over Gaussian xi: the threshold-linear f under
    input fluctuations of s.d. sigma (pA); equals beta [mu]_+ for sigma -> 0."""
    mu, sigma = np.asarray(mu, float), np.maximum(np.asarray(sigma, float), 1e-12)
    x = mu / sigma
    return beta * (mu * stats.norm.cdf(x) + sigma * stats.norm.pdf(x))


def shot_variance(s: dict, rate_Hz, V_bar_mV, tau_eff_ms) -> np.ndarray:
    """Variance (pA^2) of the synaptic current of K Poisson inputs at rate_Hz each,
    low-pass weighted by tau/(tau + tau_eff) for the membrane's filtering.

    Campbell's theorem: Var g = K r G^2 tau * (1/2 exponential, e^2/4 alpha)."""
    shape = 0.5 if s["c"] == 1.0 else math.e**2 / 4
    var_g = s["K"] * np.asarray(rate_Hz, float) * s["G_nS"] ** 2 * s["tau_ms"] * 1e-3 * shape
    filt = s["tau_ms"] / (s["tau_ms"] + np.asarray(tau_eff_ms, float))
    return var_g * (s["E_rev_mV"] - V_bar_mV) ** 2 * filt  # nS^2 mV^2 = pA^2


def mean_conductance(s: dict, rate_Hz) -> np.ndarray:
    """Mean conductance (nS) of K inputs at rate_Hz: K c G tau r."""
    return s["K"] * s["c"] * s["G_nS"] * s["tau_ms"] * 1e-3 * np.asarray(rate_Hz, float)


def sigma(p: dict, model, rates, nu_ext_Hz, kappa: float) -> np.ndarray:
    """Input fluctuation (pA) seen by each population: kappa x shot-noise s.d.

    Driving forces are taken at V = E_L + v_theta (the derivation's mean voltage),
    the filter at tau_eff = C_m / g_total with g_total = g_L + all mean synaptic
    conductances. kappa (dimensionless) is calibrated once per model on the noisy
    f-I curves (calibrate_kappa)."""
    syn, V_bar = p["synapses"], model.E_L_mV + p["v_theta_mV"]
    r = np.asarray(rates, float)
    src = {"E": r[0], "I": r[1], "ext": nu_ext_Hz}
    g_tot = model.g_L_nS + sum(mean_conductance(syn[b], src[b]) for b in src)
    tau_eff = float(model.params["C_m"]) / g_tot
    var = sum(shot_variance(syn[b], src[b], V_bar, tau_eff) for b in src)
    return kappa * np.sqrt(var) * np.ones(2)


def linear_fixed_points(p: dict, nu_ext_Hz: float, I_ext_pA: float = 0.0) -> list[dict]:
    """All fixed points of r = beta [W r + h]_+ with their stability (exact).

    For each set of active populations the linear system is solved and kept if
    consistent (active: mu > 0, inactive: mu <= 0). Stability of
    tau dmu/dt = -mu + W f(mu) + h: eigenvalues of -1 + W diag(f'(mu)) all < 0.
    """
    W, beta = np.asarray(p["W_pC"]), p["beta_Hz_per_pA"]
    h = np.asarray(p["W_ext_pC"]) * nu_ext_Hz + I_ext_pA - p["theta_pA"]
    out = []
    for active in itertools.product((False, True), repeat=2):
        a = np.array(active)
        r = np.zeros(2)
        if a.any():
            Wa = W[np.ix_(a, a)]
            A = np.eye(a.sum()) - beta * Wa
            if abs(np.linalg.det(A)) < 1e-12:
                continue
            r[a] = np.linalg.solve(A, beta * h[a])
        mu = W @ r + h
        if np.all(mu[a] > 0) and np.all(mu[~a] <= 0):
            J = -np.eye(2) + W * (beta * a)[None, :]
            ev = np.linalg.eigvals(J)
            out.append({"rates_Hz": r.tolist(), "stable": bool(np.all(ev.real < 0)),
                        "eigenvalues": [complex(e).real for e in ev]})
    return out


def fluct_fixed_points(p: dict, model, nu_ext_Hz: float, kappa: float, I_ext_pA=0.0,
                       r_max=500.0) -> list[dict]:
    """Fixed points of r = f_fluct(mu(r), sigma(r)) with stability.

    E and I neurons of condrate's network receive the same inputs, so r_E = r_I = r
    and the fixed points are the roots of F(r) - r on [0, r_max], found by sign
    changes on a fine grid and refined with brentq; stable where F'(r) < 1.
    """
    beta = p["beta_Hz_per_pA"]

    def F(r):
        rr = np.array([r, r])
        return float(f_fluct(drive(p, rr, nu_ext_Hz, I_ext_pA)[0],
                             sigma(p, model, rr, nu_ext_Hz, kappa)[0], beta))

    grid = np.concatenate([np.linspace(0, 50, 2001), np.linspace(50, r_max, 2001)[1:]])
    vals = np.array([F(r) - r for r in grid])
    out = []
    for k in np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:])):
        r = optimize.brentq(lambda x: F(x) - x, grid[k], grid[k + 1])
        slope = (F(r + 1e-4) - F(r - 1e-4)) / 2e-4 if r > 1e-4 else (F(1e-4) - F(0)) / 1e-4
        out.append({"rates_Hz": [r, r], "stable": bool(slope < 1), "slope": slope})
    return out


def rest_fixed_point(points: list[dict]):
    """The stable fixed point the network reaches from rest: the lowest stable one."""
    stable = [q for q in points if q["stable"]]
    return min(stable, key=lambda q: sum(q["rates_Hz"])) if stable else None


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


def uniform_feedback_rate(theta_pA: float, N: int, W_o_pC: float, beta: float) -> float:
    """Lecture eq. 11.37: r_o = theta / (N W_o - 1/beta) if N beta W_o > 1, else 0."""
    return theta_pA / (N * W_o_pC - 1 / beta) if N * beta * W_o_pC > 1 else 0.0


def binary_threshold(theta: float, W_row, W_ext: float) -> float:
    """theta'_i = 2 theta - sum_j W_ij - W_ext (eq. 11.39) for +-1 binary neurons."""
    return 2 * theta - float(np.sum(W_row)) - W_ext
