"""Uniform-feedback design and analysis (eqs. 11.34-11.37), without NEST."""

import numpy as np
import pytest

from condrate.params import load_model
from condrate.theory import feedback as fb
from condrate.theory import rate_model as rt
from helpers import ROOT

FIT = {"v_theta_mV": 15.0, "I_theta0_pA": 10.0, "gain_Hz_per_pA": 0.1}
C = {"loop_gain": [0.5, 2.0, 4.0], "K": 100, "kick": {"rate_Hz": 100.0}}


@pytest.fixture(scope="module", params=["iaf_cond_exp", "glif_cond"])
def model(request):
    return load_model(ROOT / "models", request.param)


def test_design_hits_the_loop_gain_and_eq_11_37(model):
    """W_o is the charge of one input, the integral of the model's conductance kernel
    (exponential, or NEST's unit-peak alpha for glif_cond) times G_o and the driving
    force E_ex - v_theta - E_L, integrated numerically here; K beta W_o must then be the
    requested loop gain and r_o = beta theta / (kappa - 1) the eq. 11.37 rate."""
    import math

    from scipy.integrate import quad

    p = rt.threshold_params(model, FIT)
    beta, theta = 0.1, 10.0 + model.g_L_nS * 15.0
    ex = model.excitatory
    tau = ex.tau_ms

    def kernel(t):  # peak 1 nS per nS of weight
        return math.exp(-t / tau) if ex.shape == "exponential" else t / tau * math.exp(1 - t / tau)

    charge_per_nS = quad(kernel, 0, 60 * tau)[0] * 1e-3  # nS s per nS of peak
    for kappa, gain in zip(C["loop_gain"], fb.design(C, model, p)):
        W_o = gain["G_o_nS"] * charge_per_nS * (ex.E_rev_mV - 15.0 - model.E_L_mV)
        assert gain["W_o_pC"] == pytest.approx(W_o, rel=1e-6)
        assert C["K"] * beta * W_o == pytest.approx(kappa, rel=1e-6)
        r_o = beta * theta / (kappa - 1) if kappa > 1 else 0.0
        assert gain["r_o_linear_Hz"] == pytest.approx(r_o)
        assert gain["kick_pA"] == pytest.approx(theta + 100.0 / beta)


def test_threshold_crossing_of_a_threshold_linear_curve():
    r = np.array([1.0, 5.0, 10.0, 20.0, 40.0, 80.0])
    # F = [2 r - 20]_+ crosses r from below at 20 Hz (eq. 11.37 with kappa 2, beta theta 20)
    F = np.clip(2 * r - 20, 0, None)
    thr, sem = fb.threshold_crossing(r, F, np.full(r.size, 1.0))
    assert thr == pytest.approx(20.0) and 0 < sem < 5
    F = np.clip(2 * r - 30, 0, None)  # crossing at 30 Hz, between grid points 20 and 40
    assert fb.threshold_crossing(r, F, np.zeros(r.size))[0] == pytest.approx(30.0)
    assert fb.threshold_crossing(r, 0.5 * r, np.zeros(r.size)) == (0.0, 0.0)  # rest only
    assert fb.threshold_crossing(r, 2 * r, np.zeros(r.size)) == (None, None)  # below the grid


def test_predictions_on_both_sides_of_the_transition(model):
    """During the kick the linear rate obeys r = kappa r + 100 Hz (the kick alone drives
    100 Hz by design): 100 / (1 - kappa) below the transition, runaway above it."""
    p = rt.threshold_params(model, FIT)
    low, high, _ = fb.design(C, model, p)
    below = fb.predictions(p, model, C, low)
    assert below["threshold_linear_Hz"] == 0.0
    assert below["during_kick_linear_Hz"] == pytest.approx(100.0 / (1 - 0.5))
    assert below["after_kick_linear_Hz"] == 0.0
    above = fb.predictions(p, model, C, high)
    r_o = above["threshold_linear_Hz"]
    assert above["F_linear"](r_o) == pytest.approx(r_o)  # a fixed point of the linear f
    assert above["during_kick_linear_Hz"] is None and above["after_kick_linear_Hz"] is None
    # the fluctuation-aware f has the same threshold structure, and refractoriness
    # bounds the kicked and the persistent state below 1 / t_ref
    assert above["threshold_fluct_Hz"] > 0
    assert above["during_kick_fluct_Hz"] < 1e3 / model.params["t_ref"]
    assert above["threshold_fluct_Hz"] < above["after_kick_fluct_Hz"] < 1e3 / model.params["t_ref"]


def test_settle_moves_to_the_nearest_stable_point():
    pts = [{"rates_Hz": [0.0], "stable": True}, {"rates_Hz": [20.0], "stable": False},
           {"rates_Hz": [200.0], "stable": True}]

    def F(r):
        return np.interp(r, [0, 20, 200, 400], [0, 20, 200, 300])

    assert fb.settle(pts, lambda r: 0.5 * r, 10.0) == 0.0
    assert fb.settle(pts, lambda r: 2 * r, 50.0) == 200.0
    assert fb.settle(pts[:2], lambda r: 2 * r, 50.0) is None
    assert fb.settle(pts, F, 300.0) == 200.0


def test_design_refuses_a_fit_without_excitatory_gain(model):
    from condrate.errors import ConfigError

    p = rt.threshold_params(model, FIT | {"v_theta_mV": 200.0})  # E_ex - v_theta - E_L < 0
    with pytest.raises(ConfigError, match="theory.feedback: .* a loop gain needs both > 0"):
        fb.design(C, model, p)
