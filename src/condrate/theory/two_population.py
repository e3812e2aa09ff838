"""Rate equations of a two-model network: E and I neurons of different models.

In condrate's one-model network E and I neurons receive the same inputs and so fire at
one rate (rate_model.fixed_points_1d). When the I population is another model (the
network file's ``inhibitory_model``, e.g. the RS-FS AdEx network), each population has
its own f-I fit and its own row of the derivation (lecture 11):

    W_ab  = K_b c_b G_b tau_b (E_b - v_theta,a - E_L,a)      (post a, pre b)
    W_ext,a = K_ext c_e G_ext tau_e (E_e - v_theta,a - E_L,a)
    theta_a = I_theta0,a + g_L,a v_theta,a
    r_a   = f_a(sum_b W_ab r_b + W_ext,a nu_ext + I_ext - theta_a)

and the fixed points (r_E, r_I) are those of two equations. Units as in rate_model
(nS, s inside W, mV, pA, Hz). A prediction has a two-population form where its registry
entry gives one (predictors.Predictor.two_population_fixed_points); the others say why
not (Predictor.two_population_missing).
"""

from __future__ import annotations

import numpy as np

from . import rate_model as rt

POPS = rt.POPS


def derive(models: dict, d: dict, net: dict, fits: dict) -> dict:
    """The two-population rate model: per population a ("E", "I") its own derivation
    (rate_model.derive with its model and deterministic f-I fit), row a of W and W_ext
    and theta_a, beta_a from it. models, fits: {"E": ..., "I": ...}. Returns
    {"W_pC" (2x2), "W_ext_pC", "theta_pA", "beta_Hz_per_pA", "v_theta_mV",
    "I_theta0_pA" (per population), "populations": {a: rate_model.derive(...)}}."""
    each = {a: rt.derive(models[a], d, net, fits[a]) for a in POPS}
    rows = {a: i for i, a in enumerate(POPS)}
    return {
        "W_pC": [each[a]["W_pC"][rows[a]] for a in POPS],
        "W_ext_pC": [each[a]["W_ext_pC"][rows[a]] for a in POPS],
        **{k: [each[a][k] for a in POPS]
           for k in ("theta_pA", "beta_Hz_per_pA", "v_theta_mV", "I_theta0_pA")},
        "populations": each,
    }


def models_of(spec: dict) -> dict:
    """{"E": NeuronModel, "I": NeuronModel} of a two-model network's spec."""
    from ..network.experiment import population_models

    if "inhibitory" not in spec:
        raise ValueError(f"{spec['model']}'s network is one model: the two-population "
                         "rate model is for networks with an inhibitory_model")
    return population_models(spec)


def jacobian(F, r, h: float = 1e-3) -> np.ndarray:
    """dF_a/dr_b (central differences; one-sided at r_b = 0) of F: (r_E, r_I) -> rates."""
    J = np.zeros((2, 2))
    for b in range(2):
        lo, hi = np.array(r, float), np.array(r, float)
        lo[b], hi[b] = max(r[b] - h, 0.0), r[b] + h
        J[:, b] = (np.asarray(F(*hi)) - np.asarray(F(*lo))) / (hi[b] - lo[b])
    return J


def fixed_points_2d(F, r_max: float = 500.0) -> list[dict]:
    """Fixed points of r_E = F_E(r_E, r_I), r_I = F_I(r_E, r_I) with their stability.

    The I equation is solved for r_I at each r_E (F_I falls with r_I: inhibition onto
    I and, for an adapting I model, its own adaptation; one root on [0, r_max]), which
    leaves one equation in r_E, solved as rate_model.fixed_points_1d does
    (rate_model.sign_change_roots). Stable where every eigenvalue of -1 + dF/dr (equal time
    constants) has a negative real part. F(r_E, r_I) -> (F_E, F_I) in Hz."""
    from scipy import optimize

    def r_I_of(r_E):
        g = lambda r_I: F(r_E, r_I)[1] - r_I  # noqa: E731 - falls with r_I
        if g(0.0) <= 0.0:
            return 0.0
        if g(r_max) >= 0.0:
            return r_max
        return optimize.brentq(g, 0.0, r_max, xtol=1e-7)

    def H(r_E):
        return F(r_E, r_I_of(r_E))[0] - r_E

    grid = np.concatenate([np.linspace(0, 50, 101), np.linspace(50, r_max, 91)[1:]])
    at_rest, roots = rt.sign_change_roots(H, grid)
    out = []
    for r_E in ([0.0] if at_rest else []) + roots:
        r = [float(r_E), float(r_I_of(r_E))]
        ev = np.linalg.eigvals(-np.eye(2) + jacobian(F, r))
        out.append({"rates_Hz": r, "stable": bool(np.all(ev.real < 0)),
                    "eigenvalues": [complex(e).real for e in ev]})
    return out


def linear_fixed_points(p2: dict, models: dict, nu_ext_Hz: float, I_ext_pA: float = 0.0,
                        calibrations=None) -> list:
    """(i): the threshold-linear rate equations of the two rows (exact,
    rate_model.linear_fixed_points with a gain and a threshold per population)."""
    return rt.linear_fixed_points(p2, nu_ext_Hz, I_ext_pA)


def pair_fixed_points(rate) -> list:
    """fixed_points_2d of the pair rate(a, r_E, r_I) for a = E, I (Hz)."""
    return fixed_points_2d(lambda r_E, r_I: tuple(rate(a, r_E, r_I) for a in POPS))


def fluct_fixed_points(p2: dict, models: dict, nu_ext_Hz: float, I_ext_pA: float = 0.0,
                       calibrations=None) -> list:
    """(ii): each population's fluctuation-aware rate (rate_model.fluct_rate with its own
    model, its own synaptic inputs and, for an adapting model, the averaged adaptation
    current at its own rate), fixed points of the pair (fixed_points_2d)."""
    pops = p2["populations"]
    return pair_fixed_points(lambda a, r_E, r_I: rt.fluct_rate(
        models[a], pops[a], r_E, r_I, nu_ext_Hz, I_ext_pA,
        own_rate_Hz=r_E if a == "E" else r_I))


def semianalytic_fixed_points(p2: dict, models: dict, nu_ext_Hz: float, I_ext_pA: float,
                              calibrations: dict) -> list:
    """(iii): each population's semi-analytic rate (rate_model.semianalytic_rate with its
    own model, synaptic inputs and calibration, a run of its own model's single
    neurons: theory/<model>/calibration and calibration_inhibitory), fixed points of
    the pair (fixed_points_2d)."""
    pops = p2["populations"]
    return pair_fixed_points(lambda a, r_E, r_I: rt.semianalytic_rate(
        models[a], pops[a], r_E, r_I, nu_ext_Hz, calibrations[a], I_ext_pA))
