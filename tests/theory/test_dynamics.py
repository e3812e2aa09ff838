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
    on the same fixed point."""
    p = params([[2.0, -6.0], [2.0, -6.0]], [10.0, 10.0], 50.0, 0.5)
    exc = SynapticInput("excitatory", 1, 1.0, 5.0, 0.0, "exponential")
    p["synapses"] = {"E": exc, "I": exc.with_(kind="inhibitory", tau_ms=10.0), "ext": exc}
    t_ms = np.arange(-20.0, 40.0, 0.05)
    measured = {"t_ms": t_ms, "rate_Hz": np.zeros(t_ms.size), "smooth_Hz": np.zeros(t_ms.size)}
    step = {"nu_ext_before_Hz": 10.0, "step": {"nu_ext_Hz": 20.0}, "response_time_ms": None,
            "tau_m_ms": 10.0, "tau_eff_ms": 1.0}
    table, summ = dynamics.model_step_response(p, step, measured)
    lam = 0.5 * (2.0 - 6.0)
    assert summ["response_time_ms"]["tau_m"] == pytest.approx(10.0 / (1 - lam), rel=0.05)
    assert summ["response_time_ms"]["tau_eff"] == pytest.approx(1.0 / (1 - lam), rel=0.05)
    after = [q for q in rt.linear_fixed_points(p, 20.0) if q["stable"]][0]["rates_Hz"][0]
    for name in ("tau_m", "tau_eff", "synaptic"):
        assert table[f"predicted_Hz_{name}"][-1] == pytest.approx(after, rel=1e-3)
    assert summ["peak_normalised_change"]["tau_m"] == pytest.approx(1.0, abs=0.01)
