"""The synaptic-input record: charge and variance factors of the two kernel shapes."""

import math

import pytest

from condrate.params import load_model
from condrate.synapses import SynapticInput, network_inputs
from helpers import ROOT

NET = {"K_E": 400, "K_I": 100, "K_ext": 400}
D = {"G_EE_nS": 1.0, "G_I_nS": 24.0, "G_ext_nS": 1.0}


def test_alpha_synapses_carry_the_factor_e():
    glif = load_model(ROOT / "models", "glif_cond")
    iaf = load_model(ROOT / "models", "iaf_cond_exp")
    syn = lambda m: network_inputs(m, D, NET)["E"]  # noqa: E731
    assert syn(glif).c == pytest.approx(math.e) and syn(iaf).c == 1.0
    s = syn(glif)
    assert s.weight_pC(0.0, -70.0) == pytest.approx(400 * math.e * 1.0 * 5e-3 * 70.0)
    assert s.mean_nS(10.0) == pytest.approx(400 * math.e * 5e-3 * 10.0)


@pytest.mark.parametrize("shape", ["exponential", "alpha"])
def test_charge_and_variance_factors_integrate_the_kernel(shape):
    """c = integral of the unit kernel / tau and s = integral of its square / tau,
    integrated numerically: exp(-t/tau) and (t/tau) e^(1 - t/tau) (NEST's alpha
    conductance peaks at 1 nS per unit weight)."""
    from scipy.integrate import quad

    tau = 5.0

    def kernel(t):
        return math.exp(-t / tau) if shape == "exponential" else t / tau * math.exp(1 - t / tau)

    inp = SynapticInput("excitatory", 1, 1.0, tau, 0.0, shape)
    charge = quad(kernel, 0, 50 * tau)[0]          # nS ms per spike
    square = quad(lambda t: kernel(t) ** 2, 0, 50 * tau)[0]
    # one input at 1 Hz: mean = charge x rate, Campbell variance = square x rate
    assert inp.mean_nS(1.0) == pytest.approx(charge * 1e-3, rel=1e-9)
    assert inp.variance_nS2(1.0) == pytest.approx(square * 1e-3, rel=1e-9)
