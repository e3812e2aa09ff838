"""Derivation of W, W_ext, theta; fixed points; the uniform-feedback transition; binary identity."""

import numpy as np
import pytest

from condrate.params import load_model
from condrate.theory import rate_model as rt
from helpers import ROOT

FIT = {"v_theta_mV": 15.0, "I_theta0_pA": 10.0, "gain_Hz_per_pA": 0.1}
NET = {"K_E": 400, "K_I": 100, "K_ext": 400}
D = {"G_EE_nS": 1.0, "G_I_nS": 24.0, "G_ext_nS": 1.0}


def test_weights_have_units_signs_and_values():
    iaf = load_model(ROOT / "models", "iaf_cond_exp")
    p = rt.derive(iaf, D, NET, FIT)
    # W_EE = K G tau (E_ex - v - E_L) = 400 * 1 nS * 5e-3 s * (0 - 15 + 70) mV = 110 pC
    assert p["W_pC"][0][0] == pytest.approx(400 * 1.0 * 5e-3 * 55.0)
    # inhibition is negative through its reversal, never through a sign flip of G
    assert p["W_pC"][0][1] == pytest.approx(100 * 24.0 * 10e-3 * (-80 - 15 + 70))
    assert p["W_pC"][0][1] < 0
    assert p["W_ext_pC"][0] == pytest.approx(p["W_pC"][0][0])
    assert p["theta_pA"] == pytest.approx(10.0 + iaf.g_L_nS * 15.0)
    # W r is a current: 110 pC * 10 Hz = 1100 pA
    assert p["W_pC"][0][0] * 10.0 == pytest.approx(1100.0)


def params(W, W_ext, theta, beta):
    return {"W_pC": W, "W_ext_pC": W_ext, "theta_pA": theta, "beta_Hz_per_pA": beta}


def test_linear_fixed_point_known_solution_and_stability():
    # r = 0.1 [W r + 100 nu - 50]_+ with W = [[0.5, -2], [1, -1]] pC, nu = 10 Hz
    p = params([[0.5, -2.0], [1.0, -1.0]], [100.0, 100.0], 50.0, 0.1)
    pts = rt.linear_fixed_points(p, 10.0)
    both = [q for q in pts if all(r > 0 for r in q["rates_Hz"])]
    assert len(both) == 1
    r = np.array(both[0]["rates_Hz"])
    W = np.array(p["W_pC"])
    assert np.allclose(r, 0.1 * (W @ r + 950.0))
    assert both[0]["stable"]


@pytest.mark.parametrize("W_o,expected_active", [(0.05, False), (0.2, True)])
def test_uniform_feedback_transition(W_o, expected_active):
    """Excitatory-only: r_o = theta / (N W_o - 1/beta) beyond N beta W_o = 1, else 0."""
    N, beta, theta = 100, 0.1, 20.0
    r = rt.uniform_feedback_rate(theta, N, W_o, beta)
    assert (r > 0) is expected_active
    if expected_active:
        # it solves r = beta [N W_o r - theta]_+ (the nonzero, unstable branch)
        assert r == pytest.approx(beta * (N * W_o * r - theta))
        p = params([[N * W_o, 0.0], [N * W_o, 0.0]], [0.0, 0.0], theta, beta)
        pts = rt.linear_fixed_points(p, 0.0)
        nonzero = [q for q in pts if q["rates_Hz"][0] > 0]
        assert nonzero[0]["rates_Hz"][0] == pytest.approx(r) and not nonzero[0]["stable"]


def test_binary_neuron_threshold_identity_carries_units():
    """sgn[sum W r_on (S+1)/2 + W_ext nu_on (S_ext+1)/2 - theta]
    = sgn[sum W r_on S + W_ext nu_on S_ext - theta'], with W in pC, rates in Hz and
    theta, theta' in pA: W r is pC x Hz = pA, so theta' must scale with the on-rate."""
    rng = np.random.default_rng(2)
    W, W_ext = rng.normal(0.0, 5.0, size=20), 7.0   # pC
    theta, r_on, nu_on = 40.0, 10.0, 15.0            # pA, Hz, Hz
    th2 = rt.binary_threshold(theta, W, W_ext, r_on, nu_on)
    for _ in range(200):
        S, S_ext = rng.choice([-1, 1], 20), rng.choice([-1, 1])
        lhs = np.sign(W @ (r_on * (S + 1) / 2) + W_ext * nu_on * (S_ext + 1) / 2 - theta)
        rhs = np.sign(W @ S * r_on / 2 + W_ext * nu_on * S_ext / 2 - th2 / 2)
        assert lhs == rhs
    # the lecture's unit-free form is the special case r_on = nu_on = 1
    assert rt.binary_threshold(theta, W, W_ext, 1.0, 1.0) == pytest.approx(2 * theta - W.sum() - W_ext)
    # doubling the on-rate moves theta' by the recurrent and external charge it carries
    assert (rt.binary_threshold(theta, W, W_ext, 2 * r_on, nu_on) - th2
            == pytest.approx(-r_on * W.sum()))
