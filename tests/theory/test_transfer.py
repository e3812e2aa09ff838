"""The fluctuation-aware transfer function: the quasi-static average over conductance noise."""

import pytest

from condrate.params import load_model
from condrate.theory import rate_model as rt
from condrate.theory import transfer
from helpers import ROOT

FIT = {"v_theta_mV": 15.0, "I_theta0_pA": 10.0, "gain_Hz_per_pA": 0.1}
NET = {"K_E": 400, "K_I": 100, "K_ext": 400}
D = {"G_EE_nS": 1.0, "G_I_nS": 24.0, "G_ext_nS": 1.0}


def test_fluctuations_turn_subthreshold_zero_into_firing():
    """Balanced input whose mean is below threshold: f_linear says 0, conductance
    fluctuations make the neuron fire; without fluctuations both agree."""
    iaf = load_model(ROOT / "models", "iaf_cond_exp")
    p = rt.derive(iaf, D, NET, FIT)
    r_E, r_I, nu = 10.0, 10.0, 15.0
    assert rt.f_linear(rt.drive(p, [r_E, r_I], nu)[0], p["beta_Hz_per_pA"]) == 0.0
    assert rt.fluct_rate(iaf, p, r_E, r_I, nu) > 1.0
    quiet = dict(p, synapses={k: v.with_(G_nS=v.G_nS * 1e-3, K=v.K * 1000)
                              for k, v in p["synapses"].items()})  # same mean, tiny noise
    det = transfer.lif_rate_det(iaf, 0.0, -80.0)
    # mean conductances (nS): K G tau r = 400 x 1 nS x 5 ms x rate, 100 x 24 nS x 10 ms x r_I
    g_e = 400 * 1.0 * 5e-3 * (r_E + nu)
    g_i = 100 * 24.0 * 10e-3 * r_I
    assert rt.fluct_rate(iaf, quiet, r_E, r_I, nu) == pytest.approx(float(det(g_e, g_i)), abs=0.5)
