"""Rate dynamics (eq. 11.32) and the rate model's response to a step of the input."""

import numpy as np
import pytest

from condrate.synapses import SynapticInput
from condrate.theory import dynamics
from condrate.theory import rate_model as rt


def params(W, W_ext, theta, beta):
    return {"W_pC": W, "W_ext_pC": W_ext, "theta_pA": theta, "beta_Hz_per_pA": beta}


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


def test_step_response_time_is_tau_over_one_minus_loop_gain():
    """Identical rows (E and I share inputs): the step drives one mode, eigenvalue
    lambda = beta (w_E + w_I), relaxing with tau / (1 - lambda); the synaptic model ends
    on the same fixed point. tau_eff comes from the theory's fixed point, not from the
    network's measurement (given here as 1 ms, and ignored)."""
    from types import SimpleNamespace

    p = params([[2.0, -6.0], [2.0, -6.0]], [10.0, 10.0], 50.0, 0.5)
    exc = SynapticInput("excitatory", 1, 1.0, 5.0, 0.0, "exponential")
    p["synapses"] = {"E": exc, "I": exc.with_(kind="inhibitory", tau_ms=10.0), "ext": exc}
    model = SimpleNamespace(C_m_pF=100.0, g_L_nS=10.0)  # tau_m = 10 ms
    t_ms = np.arange(-20.0, 40.0, 0.05)
    measured = {"t_ms": t_ms, "rate_Hz": np.zeros(t_ms.size), "smooth_Hz": np.zeros(t_ms.size)}
    step = {"nu_ext_before_Hz": 10.0, "step": {"nu_ext_Hz": 20.0}, "response_time_ms": None,
            "tau_m_ms": 99.0, "tau_eff_ms": 1.0}
    table, summ = dynamics.model_step_response(p, model, step, measured)
    lam = 0.5 * (2.0 - 6.0)
    # fixed point before the step: r = 0.5 (50 - 4 r), r = 25/3 Hz; one input each of
    # 1 nS through 5 ms (E, ext) and 10 ms (I) adds 5e-3 r_E + 1e-2 r_I + 5e-3 nu nS
    r0 = 25.0 / 3.0
    tau_eff = 100.0 / (10.0 + 5e-3 * r0 + 1e-2 * r0 + 5e-3 * 10.0)
    assert summ["tau_m_ms"] == 10.0 and summ["tau_eff_ms"] == pytest.approx(tau_eff)
    assert summ["diagnostic_tau_eff_measured_ms"] == 1.0
    assert summ["response_time_ms"]["tau_m"] == pytest.approx(10.0 / (1 - lam), rel=0.05)
    assert summ["response_time_ms"]["tau_eff"] == pytest.approx(tau_eff / (1 - lam), rel=0.05)
    after = [q for q in rt.linear_fixed_points(p, 20.0) if q["stable"]][0]["rates_Hz"][0]
    for name in ("tau_m", "tau_eff", "synaptic"):
        assert table[f"predicted_Hz_{name}"][-1] == pytest.approx(after, rel=1e-3)
    assert summ["peak_normalised_change"]["tau_m"] == pytest.approx(1.0, abs=0.01)


def test_the_network_step_with_adaptation_relaxes_with_its_linearised_slow_time_constant():
    """step_with_adaptation for AdEx with regular-spiking adaptation (b and a, both
    tau_w = 144 ms) in the default balanced network, a step of nu_ext 15 -> 16 Hz: the
    fitted slow time constant of its rate is tau_w / (1 - dA/dr dr/dA), the linearisation
    at the step's fixed point by finite differences of the averaged current (dA/dr) and of
    the fixed point with the adaptation current held (dr/dA) -- not the integration; the
    rate ends at (ii)'s fixed point at the step's rate, overshooting on the way; a model
    that does not adapt has no such response."""
    from condrate.params import load_model
    from helpers import ROOT

    from condrate.theory import transfer

    model = load_model(ROOT / "models", "aeif_cond_exp_rs")
    p = rt.derive(model, {"G_EE_nS": 1.0, "G_I_nS": 24.0, "G_ext_nS": 1.0},
                  {"K_E": 400, "K_I": 100, "K_ext": 400},
                  {"v_theta_mV": 15.0, "I_theta0_pA": 10.0, "gain_Hz_per_pA": 0.1})
    t = np.arange(-1000.0, 1000.0, 0.5) + 0.25
    measured = {"t_ms": t, "rate_Hz": np.where(t < 0, 5.0, 6.0 + 0.3 * np.exp(-t / 120.0))}
    step = {"nu_ext_before_Hz": 15.0, "step": {"nu_ext_Hz": 16.0, "period_ms": 2000.0}}
    predicted, out = dynamics.step_with_adaptation(p, model, step, measured, slow_ms=50.0)
    # an up phase (half the period) shorter than 2.5 tau_w = 360 ms: nothing to fit
    short = {**step, "step": {**step["step"], "period_ms": 700.0}}
    assert dynamics.step_with_adaptation(p, model, short, measured, slow_ms=50.0) is None

    r1 = rt.rest_fixed_point(rt.fluct_fixed_points(p, model, 16.0))["rates_Hz"][0]
    assert predicted[-1] == pytest.approx(r1, rel=2e-3)
    assert out["predicted"]["overshoot"] > 1.0
    assert out["nest"]["tau_ms"] == pytest.approx(120.0, rel=1e-3)  # the fit itself

    def A_inf(r):
        mom = transfer.conductance_moments(rt.sources(p, r, r, 16.0), (1.0, 1.0, 1.0))
        return sum(rt.adaptation_currents(model, mom)(r))

    def held(A):
        return rt.rest_fixed_point(rt.fixed_points_1d(
            lambda r: rt.fluct_rate(model, p, r, r, 16.0, adaptation_pA=A)))["rates_Hz"][0]

    h, dA = 1e-3, 0.5
    loop = ((A_inf(r1 + h) - A_inf(r1 - h)) / (2 * h)
            * (held(A_inf(r1) + dA) - held(A_inf(r1) - dA)) / (2 * dA))
    assert loop < 0
    assert out["predicted"]["tau_ms"] == pytest.approx(144.0 / (1.0 - loop), rel=0.03)

    plain = load_model(ROOT / "models", "aeif_cond_exp")
    assert dynamics.step_with_adaptation(p, plain, step, measured) is None
