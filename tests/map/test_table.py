import math

import pytest

from condrate.map import table
from condrate.params import model_from_config

from helpers import ROOT

FIT = {"v_theta_mV": 15.0, "I_theta0_pA": 0.0}  # theta = E_L + 15 mV = V_th of iaf_cond_exp


@pytest.fixture
def iaf(default_config):
    return model_from_config(default_config, "iaf_cond_exp", ROOT)


def test_mean_driven_index_by_hand(iaf):
    # g_L 16.667 + 20 + 13.333 = 50 nS: mu = -44.667 mV, theta -55 mV,
    # sigma = sqrt(4 * 44.667^2 + 1 * 35.333^2) / 50 = 1.9213 mV
    inputs = {"g_ex_nS": 20.0, "g_in_nS": 13.333, "g_ex_var_nS2": 4.0, "g_in_var_nS2": 1.0}
    assert table.mean_driven_index(iaf, FIT, inputs, 0.0) == pytest.approx(5.3782, abs=1e-3)
    # the same conductances with four times the inhibition: below threshold on average
    inputs |= {"g_in_nS": 4 * 13.333}
    assert table.mean_driven_index(iaf, FIT, inputs, 0.0) < 0
    assert table.mean_driven_index(iaf, FIT, {}, 0.0) is None  # no recorded conductances


def test_rel_error_is_undefined_for_silent_points_and_missing_predictions():
    assert table.rel_error(12.0, 10.0) == pytest.approx(0.2)
    assert table.rel_error(None, 10.0) is None
    assert table.rel_error(3.0, 0.5) is None  # below RATE_CUT_HZ


def _row(point, rate, ai, index, errors, converged=True):
    r = {"point": point, "rate_E_Hz": rate, "asynchronous_irregular": ai,
         "mean_driven_index": index, "selfconsistent_converged": converged}
    return r | {f"{k}_rel_error": e for k, e in zip(table.PREDICTORS, errors)}


def test_summary_counts_points_within_tolerance_by_regime():
    rows = [_row("a", 10.0, True, -1.0, [0.5, 0.05, 0.2, 0.08]),
            _row("b", 20.0, True, 0.5, [0.09, 0.3, None, 0.02], converged=False),
            _row("c", 5.0, False, -2.0, [0.9, 0.5, 0.4, None]),
            _row("silent", 0.1, False, -5.0, [None, None, None, None])]
    s = table.summary(rows)
    assert (s["points"], s["points_firing"], s["points_ai"]) == (4, 3, 2)
    lin, flu, sa, it = (s["predictions"][k] for k in table.PREDICTORS)
    assert lin["within_tolerance"] == ["b"] and lin["n_within_ai"] == 1
    assert flu["within_tolerance"] == ["a"]
    assert it["within_tolerance"] == ["a", "b"] and it["n_within"] == 2
    assert flu["median_rel_error"]["ai"] == pytest.approx(0.175)
    assert flu["median_rel_error"]["mean_driven"] == pytest.approx(0.3)
    assert flu["n_points"]["fluctuation_driven"] == 2  # the silent point does not count
    # a missing prediction counts as an infinite error in the median
    assert sa["median_rel_error"]["all"] == pytest.approx(0.4)
    assert it["median_rel_error"]["not_ai"] is None
    assert not math.isnan(lin["median_rel_error"]["all"])
    # (iv) judged where its loop converged: a (within) of a, c
    assert (s["points_selfconsistent_converged"], s["points_ai_selfconsistent_converged"]) == (2, 1)
    assert it["n_within_converged"] == 1 and it["n_within_ai_converged"] == 1
    # missing predictions have their own count
    assert sa["n_no_prediction"]["all"] == 1 and it["n_no_prediction"]["not_ai"] == 1


def test_mean_driven_index_with_the_models_threshold_and_the_fits_onset(iaf):
    """Both thresholds as columns: the fit's onset E_L + v_theta + I_theta0 / g_total, or
    the model's own V_th; with a fit onset 5 mV below V_th the index rises by
    5 mV / sigma."""
    inputs = {"g_ex_nS": 20.0, "g_in_nS": 13.333, "g_ex_var_nS2": 4.0, "g_in_var_nS2": 1.0}
    low_fit = {"v_theta_mV": 10.0, "I_theta0_pA": 0.0}  # onset -60 mV
    at_fit = table.mean_driven_index(iaf, low_fit, inputs, 0.0)
    at_v_th = table.mean_driven_index(iaf, low_fit, inputs, 0.0, threshold_mV=-55.0)
    assert at_fit - at_v_th == pytest.approx(5.0 / 1.9213, rel=1e-3)
    assert at_v_th == pytest.approx(5.3782, abs=1e-3)


def test_off_its_calibration_a_point_has_no_fitted_prediction(default_config):
    """At another adaptation strength than the fit's and the calibration's, (i) and
    (iii) predict nothing; (ii) of an integrate-and-fire model takes its parameters."""
    from condrate.network.experiment import network_spec
    from condrate.theory import rate_model as rt

    model = model_from_config(default_config, "aeif_cond_exp_rs", ROOT)
    spec = network_spec(default_config, "aeif_cond_exp_rs", "default", ROOT)
    p = rt.derive(model, spec["derived"], spec["network"],
                  {"v_theta_mV": 12.0, "I_theta0_pA": 40.0, "gain_Hz_per_pA": 0.07})
    off = table.predictions(model, p, 15.0, 0.0, {}, calibrated=False)
    assert off["linear"] is None and off["semianalytic"] is None
    default_config.setdefault("model_params", {})["aeif_cond_exp_rs"] = {"a": 0.0, "b": 0.0}
    bare = model_from_config(default_config, "aeif_cond_exp_rs", ROOT)
    without = table.predictions(bare, p, 15.0, 0.0, {}, calibrated=False)
    assert without["fluct"] > off["fluct"] + 0.1 > 0.1  # its adaptation slows it
