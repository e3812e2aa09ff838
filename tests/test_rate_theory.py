"""Derivation of W, W_ext, theta; fixed points; the uniform-feedback transition; binary identity."""

import math

import numpy as np
import pytest

from condrate import dynamics
from condrate import rate_theory as rt
from condrate.params import load_model
from conftest import ROOT

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


def test_alpha_synapses_carry_the_factor_e():
    glif = load_model(ROOT / "models", "glif_cond")
    iaf = load_model(ROOT / "models", "iaf_cond_exp")
    syn = lambda m: rt.synapse_table(m, D, NET)["E"]  # noqa: E731
    assert syn(glif)["c"] == pytest.approx(math.e) and syn(iaf)["c"] == 1.0
    s = syn(glif)
    assert rt.weight(s, 0.0, -70.0) == pytest.approx(400 * math.e * 1.0 * 5e-3 * 70.0)
    assert rt.mean_conductance(s, 10.0) == pytest.approx(400 * math.e * 5e-3 * 10.0)


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


def test_rate_dynamics_settle_on_the_stable_fixed_point_after_a_step():
    p = params([[0.5, -2.0], [1.0, -1.0]], [100.0, 100.0], 50.0, 0.1)
    W_ext = np.array(p["W_ext_pC"])

    def drive_of_t(t):  # external rate steps 5 -> 10 Hz at 200 ms
        return W_ext * (5.0 if t < 0.2 else 10.0) - p["theta_pA"]

    t, r = dynamics.rate_dynamics(p, drive_of_t, tau_s=0.01, dt_s=1e-4, t_end_s=0.4)
    expected = [q for q in rt.linear_fixed_points(p, 10.0) if q["stable"]][0]["rates_Hz"]
    assert r[-1] == pytest.approx(expected, rel=1e-3)
    before = [q for q in rt.linear_fixed_points(p, 5.0) if q["stable"]][0]["rates_Hz"]
    assert r[np.searchsorted(t, 0.199)] == pytest.approx(before, rel=1e-3)


def test_fluctuations_turn_subthreshold_zero_into_firing():
    """Balanced input whose mean is below threshold: f_linear says 0, conductance
    fluctuations make the neuron fire; without fluctuations both agree."""
    iaf = load_model(ROOT / "models", "iaf_cond_exp")
    p = rt.derive(iaf, D, NET, FIT)
    r_E, r_I, nu = 10.0, 10.0, 15.0
    assert rt.f_linear(rt.drive(p, [r_E, r_I], nu)[0], p["beta_Hz_per_pA"]) == 0.0
    assert rt.fluct_rate(iaf, p, r_E, r_I, nu) > 1.0
    quiet = dict(p, synapses={k: dict(v, G_nS=v["G_nS"] * 1e-3, K=v["K"] * 1000)
                              for k, v in p["synapses"].items()})  # same mean, tiny noise
    from condrate import diffusion

    det = diffusion.lif_rate_det(iaf, 0.0, -80.0)
    g_e = rt.mean_conductance(p["synapses"]["E"], r_E) + rt.mean_conductance(p["synapses"]["ext"], nu)
    g_i = rt.mean_conductance(p["synapses"]["I"], r_I)
    assert rt.fluct_rate(iaf, quiet, r_E, r_I, nu) == pytest.approx(float(det(g_e, g_i)), abs=0.5)


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


def test_binary_neuron_threshold_identity():
    """sgn[sum W (S+1)/2 + W_ext (S_ext+1)/2 - theta] = sgn[sum W S + W_ext S_ext - theta']."""
    rng = np.random.default_rng(2)
    W, W_ext, theta = rng.normal(size=20), 0.7, 0.4
    th2 = rt.binary_threshold(theta, W, W_ext)
    assert th2 == pytest.approx(2 * theta - W.sum() - W_ext)
    for _ in range(200):
        S, S_ext = rng.choice([-1, 1], 20), rng.choice([-1, 1])
        lhs = np.sign(W @ (S + 1) / 2 + W_ext * (S_ext + 1) / 2 - theta)
        rhs = np.sign(W @ S + W_ext * S_ext - th2)
        assert lhs == rhs


def test_step_response_time_is_tau_over_one_minus_loop_gain():
    """Identical rows (E and I share inputs): the step drives one mode, eigenvalue
    lambda = beta (w_E + w_I), relaxing with tau / (1 - lambda); the synaptic model ends
    on the same fixed point."""
    p = params([[2.0, -6.0], [2.0, -6.0]], [10.0, 10.0], 50.0, 0.5)
    p["synapses"] = {"E": {"tau_ms": 5.0}, "I": {"tau_ms": 10.0}, "ext": {"tau_ms": 5.0}}
    t_ms = np.arange(-20.0, 40.0, 0.05)
    measured = {"t_ms": t_ms, "rate_Hz": np.zeros(t_ms.size), "smooth_Hz": np.zeros(t_ms.size)}
    step = {"nu_ext_before_Hz": 10.0, "step": {"nu_ext_Hz": 20.0}, "response_time_ms": None,
            "tau_m_ms": 10.0, "tau_eff_ms": 1.0}
    table, summ = dynamics.step_response(p, step, measured)
    lam = 0.5 * (2.0 - 6.0)
    assert summ["response_time_ms"]["tau_m"] == pytest.approx(10.0 / (1 - lam), rel=0.05)
    assert summ["response_time_ms"]["tau_eff"] == pytest.approx(1.0 / (1 - lam), rel=0.05)
    after = [q for q in rt.linear_fixed_points(p, 20.0) if q["stable"]][0]["rates_Hz"][0]
    for name in ("tau_m", "tau_eff", "synaptic"):
        assert table[f"predicted_Hz_{name}"][-1] == pytest.approx(after, rel=1e-3)
    assert summ["peak_normalised_change"]["tau_m"] == pytest.approx(1.0, abs=0.01)
