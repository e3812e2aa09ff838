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


@pytest.mark.nest
@pytest.mark.parametrize("name", ["iaf_cond_exp", "glif_cond"])
def test_momentary_rate_matches_nest_under_a_constant_conductance(tmp_path, tiny_config, name):
    """The LIF rate at constant conductance (the momentary rate the quasi-static average
    integrates) against NEST's own neurons: the f-I stage's deterministic condition
    adds Delta_g to the leak (a conductance reversing at E_L) and injects I."""
    import numpy as np

    from condrate.fi import experiment as fi
    from condrate.io import read_json
    from condrate.spiketrains import SpikeTrains
    from helpers import simulate_and_gather

    tiny_config["fi"]["conditions"] = ["deterministic"]
    tiny_config["fi"].update(duration_ms=2100.0, warmup_ms=100.0)
    spec = fi.fi_spec(tiny_config, name, ROOT)
    spec_path, _, spikes = simulate_and_gather(tmp_path, spec)
    curves = fi.fi_curves(read_json(spec_path), SpikeTrains.read(spikes))
    model = load_model(ROOT / "models", name)
    E_L = model.E_L_mV
    rate, I, dg = (np.asarray(curves[k]) for k in ("rate_Hz", "I_pA", "delta_g_nS"))
    theory = np.array([float(transfer.lif_rate_det(model, E_L, E_L, i)(g, 0.0))
                       for i, g in zip(I, dg)])
    band = (rate > 5.0) & (rate < 200.0)
    assert band.sum() > 20
    # NEST emits spikes on the 0.1 ms grid: a few per cent at 200 Hz, less below
    assert np.abs(theory[band] - rate[band]).max() / rate[band].max() < 0.03
    assert np.median(np.abs(theory[band] - rate[band]) / rate[band]) < 0.02
