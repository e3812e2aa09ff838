"""The rate equations of a two-model network (E and I neurons of different models)."""

import numpy as np
import pytest

from condrate.params import load_model
from condrate.theory import rate_model as rt
from condrate.theory import two_population as tp
from condrate.theory.predictors import PREDICTORS
from helpers import ROOT

NET = {"K_E": 400, "K_I": 100, "K_ext": 400}
D = {"G_EE_nS": 1.0, "G_I_nS": 5.0, "G_ext_nS": 1.0}
FIT_E = {"v_theta_mV": 13.0, "I_theta0_pA": 20.0, "gain_Hz_per_pA": 0.08}
FIT_I = {"v_theta_mV": 15.0, "I_theta0_pA": 5.0, "gain_Hz_per_pA": 0.3}


def rs_fs():
    return {"E": load_model(ROOT / "models", "adex_rs_zerlaut"),
            "I": load_model(ROOT / "models", "adex_fs_zerlaut")}


def test_each_row_is_its_own_populations_derivation():
    """Row a of W, W_ext and theta_a, beta_a come from population a's model and fit:
    W_aI = K_I G_I tau_I (E_in - v_theta,a - E_L,a), so the rows differ by the fits'
    v_theta (both cells rest at E_L = -65 mV)."""
    models = rs_fs()
    p2 = tp.derive(models, D, NET, {"E": FIT_E, "I": FIT_I})
    for a, fit, row in (("E", FIT_E, 0), ("I", FIT_I, 1)):
        v = fit["v_theta_mV"]
        assert p2["W_pC"][row][1] == pytest.approx(100 * 5.0 * 5e-3 * (-80 - v + 65))
        assert p2["W_pC"][row][0] == pytest.approx(400 * 1.0 * 5e-3 * (0 - v + 65))
        assert p2["W_ext_pC"][row] == pytest.approx(p2["W_pC"][row][0])
        assert p2["theta_pA"][row] == pytest.approx(fit["I_theta0_pA"] + 10.0 * v)
        assert p2["beta_Hz_per_pA"][row] == fit["gain_Hz_per_pA"]


def test_linear_fixed_point_is_where_the_two_population_dynamics_settle():
    """(i) of two populations with different gains and thresholds: the returned stable
    fixed point satisfies r_a = beta_a [mu_a]_+, and Euler integration of
    tau dr/dt = -r + beta [W r + h - theta]_+ from rest ends there (an independent
    route to the same point)."""
    p2 = {"W_pC": [[1.0, -4.0], [2.0, -3.0]], "W_ext_pC": [3.0, 3.0],
          "theta_pA": [200.0, 150.0], "beta_Hz_per_pA": [0.05, 0.2]}
    nu = 100.0
    pts = rt.linear_fixed_points(p2, nu)
    point = rt.rest_fixed_point(pts)
    r = np.array(point["rates_Hz"])
    W, beta = np.array(p2["W_pC"]), np.array(p2["beta_Hz_per_pA"])
    h = np.array(p2["W_ext_pC"]) * nu - np.array(p2["theta_pA"])
    assert r == pytest.approx(beta * np.clip(W @ r + h, 0, None), rel=1e-9)
    assert r[0] != pytest.approx(r[1], rel=0.05)  # two populations, two rates
    x = np.zeros(2)
    for _ in range(20000):  # tau = 1, dt = 0.01
        x += 0.01 * (-x + beta * np.clip(W @ x + h, 0, None))
    assert x == pytest.approx(r, rel=1e-6)


def test_the_fluctuation_aware_pair_of_one_model_is_the_one_population_fixed_point():
    """With E and I of one model the two equations are one (r_E = r_I): the 2-D solve
    (an I root per r_E, then the E equation) lands on rate_model's 1-D fixed point."""
    iaf = load_model(ROOT / "models", "iaf_cond_exp")
    fit = {"v_theta_mV": 15.0, "I_theta0_pA": 10.0, "gain_Hz_per_pA": 0.1}
    d = {"G_EE_nS": 1.0, "G_I_nS": 24.0, "G_ext_nS": 1.0}
    p = rt.derive(iaf, d, NET, fit)
    p2 = tp.derive({"E": iaf, "I": iaf}, d, NET, {"E": fit, "I": fit})
    one = rt.rest_fixed_point(rt.fluct_fixed_points(p, iaf, 15.0))
    two = rt.rest_fixed_point(tp.fluct_fixed_points(p2, {"E": iaf, "I": iaf}, 15.0))
    assert one["rates_Hz"][0] > 1.0
    assert two["rates_Hz"] == pytest.approx(one["rates_Hz"], rel=1e-4)


def test_the_rs_fs_pair_fires_the_fs_cells_faster():
    """(ii) of the RS-FS network at a few Hz of drive: one stable fixed point from rest,
    the unadapting, sharper FS cells above the adapting RS cells, both in the
    fluctuation-driven band, and every prediction without a two-population form says why."""
    models = rs_fs()
    p2 = tp.derive(models, D, NET, {"E": FIT_E, "I": FIT_I})
    point = rt.rest_fixed_point(tp.fluct_fixed_points(p2, models, 4.0))
    r_E, r_I = point["rates_Hz"]
    assert point["stable"] and 0.1 < r_E < r_I < 50.0
    for q in PREDICTORS:  # a rate equation without that form says why; (iv) has its
        # own (the pair loop: selfconsistent_pair)
        lacks = q.fixed_points is not None and q.two_population_fixed_points is None
        assert lacks == bool(q.two_population_missing)


def test_the_inhibitory_calibration_is_the_i_models_neurons_at_the_networks_synapses():
    """(iii)'s second calibration run: the calibration grid and the network's synapses
    and in-degrees (the E population's spec), on neurons of the I population's model."""
    from snakemake.utils import update_config

    from condrate.theory import openloop
    from helpers import load_yaml

    config = load_yaml(ROOT / "config" / "config.yaml")
    update_config(config, load_yaml(ROOT / "config" / "rs_fs_adex.yaml"))
    e = openloop.calibration_spec(config, "adex_rs_zerlaut", ROOT)
    i = openloop.calibration_inhibitory_spec(config, "adex_rs_zerlaut", ROOT)
    assert e["model"] == "adex_rs_zerlaut" and i["model"] == "adex_fs_zerlaut"
    assert i["derived"] == e["derived"] and i["table"] == e["table"]
    assert i["population"] == "I" and "inhibitory" not in i
    with pytest.raises(ValueError, match="one model"):
        openloop.calibration_inhibitory_spec(load_yaml(ROOT / "config" / "config.yaml"),
                                             "iaf_cond_exp", ROOT)
