"""The semi-analytic transfer function: shot-noise moments of V and the calibration fit."""

import numpy as np
import pytest

from condrate.synapses import SynapticInput
from condrate.theory import semianalytic


class Neuron:
    C_m_pF = 200.0
    g_L_nS = 10.0
    E_L_mV = -65.0


@pytest.mark.parametrize("shape", ["exponential", "alpha"])
def test_voltage_variance_is_campbell_of_the_simulated_psp(shape):
    """sigma_V^2 = rate x integral of the squared PSP: the PSP integrated here with Euler
    steps of C dv/dt = -mu_G v + g(t) (E - mu_V), independent of the closed forms."""
    inp = SynapticInput("excitatory", 100, 1.0, 5.0, 0.0, shape)
    m = semianalytic.membrane_moments(Neuron(), [(inp, 10.0)])
    dt, t = 0.001, np.arange(0, 200, 0.001)
    g = np.exp(-t / 5.0) if shape == "exponential" else t / 5.0 * np.exp(1 - t / 5.0)
    v = np.zeros(t.size)
    for k in range(1, t.size):
        v[k] = v[k - 1] + dt / 200.0 * (-m["mu_G_nS"] * v[k - 1]
                                        + g[k - 1] * (0.0 - m["mu_V_mV"]))
    lam = 100 * 10.0 / 1000.0  # input spikes per ms
    assert m["sigma_V_mV"] ** 2 == pytest.approx(lam * np.sum(v**2) * dt, rel=2e-3)
    assert m["tau_V_ms"] == pytest.approx((np.sum(v) * dt) ** 2 / (2 * np.sum(v**2) * dt),
                                          rel=2e-3)


def test_fit_recovers_an_effective_threshold_and_reports_its_terms():
    rng = np.random.default_rng(0)
    moments = [{"mu_V_mV": mu, "sigma_V_mV": sg, "tau_V_ms": tv, "mu_G_nS": 50.0, "T_m_ms": 4.0}
               for mu, sg, tv in zip(rng.uniform(-62, -50, 40), rng.uniform(2, 5, 40),
                                     rng.uniform(3, 8, 40))]
    # rates from a threshold that rises with mu_V (-50 mV + 0.2 (mu_V + 56))
    truth = {"coefficients_mV": [-50.0, 0.2 * 3.5] + [0.0] * 8, "t_ref_ms": 2.0,
             "normalisation": {"mu_V_mV": [-56.0, 3.5], "sigma_V_mV": [3.5, 1.0],
                               "tau_V_ms": [5.5, 1.5]}}
    rates = [semianalytic.rate_Hz(m, truth) for m in moments]
    cal = semianalytic.fit(moments, rates, [0.1, 200.0], 2.0)
    assert cal["terms"] == list(semianalytic.TERMS) and cal["n_fitted"] >= 20
    fitted = [semianalytic.rate_Hz(m, cal) for m in moments]
    ok = np.array(rates) > 0.1
    assert np.allclose(np.array(fitted)[ok], np.array(rates)[ok], rtol=1e-3)
    with pytest.raises(ValueError, match="calibration: 0 conditions"):
        semianalytic.fit(moments, [0.0] * 40, [0.1, 200.0], 2.0)
