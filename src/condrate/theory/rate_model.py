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

import numpy as np

from ..synapses import network_inputs

POPS = ("E", "I")


def threshold_params(model, fit: dict) -> dict:
    """theta = I_theta0 + g_L v_theta (pA), with beta, v_theta, I_theta0 of the
    deterministic f-I fit."""
    v, i0 = fit["v_theta_mV"], fit["I_theta0_pA"]
    return {"theta_pA": i0 + model.g_L_nS * v, "beta_Hz_per_pA": fit["gain_Hz_per_pA"],
            "v_theta_mV": v, "I_theta0_pA": i0}


def derive(model, d: dict, net: dict, fit: dict) -> dict:
    """W (2x2), W_ext, theta, beta from the parameters and the deterministic f-I fit."""
    th = threshold_params(model, fit)
    syn = network_inputs(model, d, net)
    w = {b: syn[b].weight_pC(th["v_theta_mV"], model.E_L_mV) for b in syn}
    return th | {
        "W_pC": [[w["E"], w["I"]], [w["E"], w["I"]]],  # rows: post E, I; columns: pre E, I
        "W_ext_pC": [w["ext"], w["ext"]],
        "synapses": syn,
    }


def drive(p: dict, rates, nu_ext_Hz: float, I_ext_pA: float = 0.0) -> np.ndarray:
    """mu_a = sum_b W_ab r_b + W_ext nu_ext + I_ext - theta (pA), per population."""
    W, r = np.asarray(p["W_pC"]), np.asarray(rates, float)
    return W @ r + np.asarray(p["W_ext_pC"]) * nu_ext_Hz + I_ext_pA - p["theta_pA"]


def f_linear(mu, beta):
    """The derivation's threshold-linear transfer function beta [mu]_+ (Hz)."""
    return beta * np.clip(mu, 0.0, None)


def sources(p: dict, r_E, r_I, nu_ext) -> list:
    """(SynapticInput, rate Hz) of the three input streams of one neuron."""
    syn = p["synapses"]
    return [(syn["E"], r_E), (syn["I"], r_I), (syn["ext"], nu_ext)]


def lif_rate_applies(model) -> bool:
    """Whether (ii) uses the exact deterministic LIF rate for ``model`` (a fixed V_th
    and V_reset), rather than the threshold-linear f of its f-I fit."""
    return model.V_th_mV is not None and model.V_reset_mV is not None


def fluct_rate(model, p: dict, r_E, r_I, nu_ext, I_ext_pA=0.0, fano=(1.0, 1.0),
               own_rate_Hz=None, adaptation_pA=None) -> float:
    """Fluctuation-aware transfer function (ii): the rate averaged over the Gaussian
    conductance fluctuations of the inputs (transfer.quasi_static_average).

    At each momentary conductance, integrate-and-fire models (fixed V_th, V_reset)
    use their exact deterministic rate; models without a fixed threshold
    (hh_cond_exp_traub) use the derivation's own threshold-linear f,
    beta [I + sum_b g_b (E_b - E_L) - I_theta0 - v_theta (g_L + sum_b g_b)]_+.
    fano: factors on the variance of the recurrent E and I inputs (1: Poisson); the
    external input stays Poisson.

    An adapting integrate-and-fire model (its file's ``adaptation``; the LIF rate knows
    none of it) gets the averaged adaptation current of every mechanism at the
    neuron's own rate ``own_rate_Hz`` added to I_ext (condrate.theory.adaptation;
    required then), or the averaged variables' present value ``adaptation_pA`` in its
    place (their dynamics, step_with_adaptation). The threshold-linear f of the other
    models is fitted to the adapted steady state already.
    """
    from . import transfer

    mom = transfer.conductance_moments(sources(p, r_E, r_I, nu_ext), (*fano, 1.0))
    E_e, E_i = model.excitatory.E_rev_mV, model.inhibitory.E_rev_mV
    if lif_rate_applies(model):
        current = adaptation_current(model, mom)
        if current is not None and adaptation_pA is not None:
            I_ext_pA = I_ext_pA + adaptation_pA
        elif current is not None:
            if own_rate_Hz is None:
                raise ValueError(f"{model.name} adapts: fluct_rate needs the neuron's own rate")
            I_ext_pA = I_ext_pA + current(own_rate_Hz)
        rate_at = transfer.lif_rate_det(model, E_e, E_i, I_ext_pA)
    else:
        rate_at = transfer.threshold_linear_rate(p["beta_Hz_per_pA"], p["v_theta_mV"],
                                                 p["I_theta0_pA"], model.g_L_nS,
                                                 model.E_L_mV, E_e, E_i, I_ext_pA)

    return transfer.quasi_static_average(rate_at, mom)


def adapts(model) -> bool:
    """Whether (ii) adds an averaged adaptation current: an integrate-and-fire model
    whose file declares adaptation mechanisms."""
    from . import adaptation as ad

    return lif_rate_applies(model) and not ad.from_model(model).empty


def _averaging(model, moments: dict):
    """(the model's mechanisms, the mean total conductance g (nS) of ``moments``, the
    time-averaged potential (mV) at a rate (Hz) of a leaky integrator between reset and
    threshold at that conductance); None for a model that does not adapt."""
    from . import adaptation as ad

    mechanisms = ad.from_model(model)
    if mechanisms.empty:
        return None
    g_total = model.g_L_nS + sum(mean for mean, _, _ in moments.values())
    tau = model.C_m_pF / g_total

    def V_bar(rate_Hz: float) -> float:
        return ad.lif_mean_voltage(rate_Hz, model.V_reset_mV, model.V_th_mV,
                                   model.t_ref_ms or 0.0, tau) if rate_Hz > 0 else model.V_th_mV

    return mechanisms, g_total, V_bar


def adaptation_current(model, moments: dict):
    """The averaged adaptation current (pA) as a function of the neuron's own rate (Hz)
    at the mean conductance of ``moments`` (condrate.theory.adaptation, every mechanism
    of the model's file; a subthreshold one at the time-averaged potential of a leaky
    integrator between reset and threshold); None for a model that does not adapt."""
    averaging = _averaging(model, moments)
    if averaging is None:
        return None
    mechanisms, g_total, V_bar = averaging
    return lambda rate_Hz: mechanisms.mean_current_pA(rate_Hz, g_total, V_bar(rate_Hz),
                                                      model.E_L_mV)


def adaptation_currents(model, moments: dict):
    """Each mechanism's averaged current (pA, in the order of ``Adaptation.mechanisms()``)
    as a function of the neuron's own rate (Hz), as :func:`adaptation_current`; None for
    a model that does not adapt."""
    from . import adaptation as ad

    averaging = _averaging(model, moments)
    if averaging is None:
        return None
    mechanisms, g_total, V_bar = averaging
    return lambda rate_Hz: [ad.mechanism_mean_pA(m, rate_Hz, g_total, V_bar, model.E_L_mV)
                            for m in mechanisms.mechanisms()]


def fluct_open_loop_rate(model, p: dict, r_E, r_I, nu_ext, I_ext_pA=0.0,
                         r_max_Hz: float = 1000.0) -> float:
    """(ii) of an unconnected neuron: fluct_rate, for an adapting model at its own
    steady rate, r = fluct_rate(..., own_rate_Hz=r), solved by bisection (the averaged
    current falls with r, so the mismatch falls: one root)."""
    from scipy import optimize

    def F(r):
        return fluct_rate(model, p, r_E, r_I, nu_ext, I_ext_pA, own_rate_Hz=r)

    if not adapts(model):
        return F(None)
    if F(0.0) <= 0.0:
        return 0.0
    if F(r_max_Hz) >= r_max_Hz:
        return r_max_Hz
    return float(optimize.brentq(lambda r: F(r) - r, 0.0, r_max_Hz, xtol=1e-6))


def linear_fixed_points(p: dict, nu_ext_Hz: float, I_ext_pA: float = 0.0) -> list[dict]:
    """All fixed points of r = beta [W r + h]_+ with their stability (exact); beta and
    theta one number or one per population.

    For each set of active populations the linear system is solved and kept if
    consistent (active: mu > 0, inactive: mu <= 0). Stability of
    tau dmu/dt = -mu + W f(mu) + h: eigenvalues of -1 + W diag(f'(mu)) all < 0.
    """
    W = np.asarray(p["W_pC"])
    # one gain for both populations, or one each (a two-model network, two_population)
    beta = np.broadcast_to(np.asarray(p["beta_Hz_per_pA"], float), (2,))
    h = np.asarray(p["W_ext_pC"]) * nu_ext_Hz + I_ext_pA - np.asarray(p["theta_pA"])
    out = []
    for active in itertools.product((False, True), repeat=2):
        a = np.array(active)
        r = np.zeros(2)
        if a.any():
            Wa = W[np.ix_(a, a)]
            A = np.eye(a.sum()) - beta[a][:, None] * Wa
            if abs(np.linalg.det(A)) < 1e-12:
                continue
            r[a] = np.linalg.solve(A, beta[a] * h[a])
        mu = W @ r + h
        if np.all(mu[a] > 0) and np.all(mu[~a] <= 0):
            J = -np.eye(2) + W * (beta * a)[None, :]
            ev = np.linalg.eigvals(J)
            out.append({"rates_Hz": r.tolist(), "stable": bool(np.all(ev.real < 0)),
                        "eigenvalues": [complex(e).real for e in ev]})
    return out


def semianalytic_rate(model, p: dict, r_E, r_I, nu_ext, calibration: dict,
                      I_ext_pA=0.0) -> float:
    """Semi-analytic transfer function (iii): the rate at the membrane moments of the
    three input streams, with the effective threshold fitted on single neurons
    (theory.semianalytic)."""
    from . import semianalytic

    m = semianalytic.membrane_moments(model, sources(p, r_E, r_I, nu_ext), I_ext_pA)
    return semianalytic.rate_Hz(m, calibration)


def sign_change_roots(G, grid, xtol: float = 1e-6) -> tuple[bool, list[float]]:
    """(G(grid[0]) == 0, the roots of G between grid points where it changes sign,
    each refined by brentq): the root finding of every fixed-point search on a grid
    (fixed_points_1d, two_population.fixed_points_2d)."""
    from scipy import optimize

    vals = np.array([G(x) for x in grid])
    return bool(vals[0] == 0), [optimize.brentq(G, grid[k], grid[k + 1], xtol=xtol)
                                for k in np.flatnonzero(vals[:-1] * vals[1:] < 0)]


def fixed_points_1d(F, r_max=500.0) -> list[dict]:
    """Fixed points of r = F(r) with stability, r_E = r_I = r (E and I neurons of
    condrate's network receive the same inputs): the roots of F(r) - r on [0, r_max],
    found by sign changes on a grid and refined with brentq; stable where F'(r) < 1."""
    grid = np.concatenate([np.linspace(0, 50, 251), np.linspace(50, r_max, 226)[1:]])
    at_rest, roots = sign_change_roots(lambda x: F(x) - x, grid)
    h = 1e-3
    out = []
    if at_rest:  # rest: F(0) = 0; stable unless F rises faster than r from 0
        out.append({"rates_Hz": [0.0, 0.0], "stable": bool(F(h) < h), "slope": F(h) / h})
    for r in roots:
        slope = (F(r + h) - F(max(r - h, 0.0))) / (r + h - max(r - h, 0.0))
        out.append({"rates_Hz": [r, r], "stable": bool(slope < 1), "slope": slope})
    return out


def fluct_fixed_points(p: dict, model, nu_ext_Hz: float, I_ext_pA=0.0,
                       r_max=500.0, fano=(1.0, 1.0)) -> list[dict]:
    """Fixed points of r = fluct_rate(r, r, nu_ext) with stability (fixed_points_1d)."""
    return fixed_points_1d(
        lambda r: fluct_rate(model, p, r, r, nu_ext_Hz, I_ext_pA, fano, own_rate_Hz=r), r_max)


def semianalytic_fixed_points(p: dict, model, nu_ext_Hz: float, calibration: dict,
                              I_ext_pA=0.0, r_max=500.0) -> list[dict]:
    """Fixed points of r = semianalytic_rate(r, r, nu_ext) with stability."""
    return fixed_points_1d(
        lambda r: semianalytic_rate(model, p, r, r, nu_ext_Hz, calibration, I_ext_pA), r_max)


def rest_fixed_point(points: list[dict]):
    """The stable fixed point the network reaches from rest: the lowest stable one."""
    stable = [q for q in points if q["stable"]]
    return min(stable, key=lambda q: sum(q["rates_Hz"])) if stable else None


def uniform_feedback_rate(theta_pA: float, N: int, W_o_pC: float, beta: float) -> float:
    """Lecture eq. 11.37: r_o = theta / (N W_o - 1/beta) if N beta W_o > 1, else 0."""
    return theta_pA / (N * W_o_pC - 1 / beta) if N * beta * W_o_pC > 1 else 0.0


def binary_threshold(theta_pA: float, W_row_pC, W_ext_pC: float, on_rate_Hz: float,
                     ext_on_rate_Hz: float) -> float:
    """theta'_i (pA) of +-1 binary neurons (eqs. 11.38-11.39).

    A binary neuron S = +1 fires at on_rate_Hz, S = -1 is silent, so its rate is
    on_rate (S + 1) / 2, and likewise ext_on_rate (S_ext + 1) / 2 for the external
    input. With W in pC, W r is a current (pA), and
    theta' = 2 theta - on_rate sum_j W_ij - ext_on_rate W_ext, all in pA. The lecture's
    form 2 theta - sum W - W_ext is this with both rates 1 (in the weights' units)."""
    return (2 * theta_pA - on_rate_Hz * float(np.sum(W_row_pC))
            - ext_on_rate_Hz * W_ext_pC)
