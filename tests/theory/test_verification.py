"""The headline arithmetic: errors by rate band with their n, missing predictions counted
as failures, the self-consistent loop judged where it converged (synthetic tables with
known answers)."""

import pytest

from condrate.theory import verification as ver
from condrate.theory.predictors import PREDICTORS


def _table(rows):
    """A verification table from (experiment, condition, {key: predicted}, simulated)."""
    out = ver.empty_rows()
    for exp, cond, predicted, sim in rows:
        ver.add_prediction_row(out, exp, cond, "E", predicted, sim, 0.0)
    return out


def test_band_medians_p90_and_n_by_hand():
    # open loop, NEST rates 0.5 (below 1 Hz), 2, 10, 40 (1-50 Hz), 80 (50 Hz to half
    # refractory: t_ref 2 ms -> 250 Hz), 400 (saturated)
    sims = [0.5, 2.0, 10.0, 40.0, 80.0, 400.0]
    fluct = [0.6, 3.0, 9.0, 40.0, 88.0, 400.0]  # errors -, 50 %, 10 %, 0 %, 10 %, 0 %
    rows = _table([("open_loop", f"c{i}", {"linear": 0.0, "fluct": f}, s)
                   for i, (f, s) in enumerate(zip(fluct, sims))])
    s = ver.summary(rows, t_ref_ms=2.0)["open_loop"]["fluct"]
    band = s["bands"]["1_50Hz"]
    assert band["n"] == 3 and band["n_no_prediction"] == 0
    assert band["median_rel_error"] == pytest.approx(0.10)
    # numpy's linear 90th percentile of (0, 0.1, 0.5): 0.1 + 0.8 * 0.4
    assert band["p90_rel_error"] == pytest.approx(0.42)
    assert s["bands"]["50Hz_to_half_refractory"]["n"] == 1
    assert s["bands"]["saturated"]["median_rel_error"] == 0.0
    assert s["n_above_1Hz"] == 5 and s["n_below_1Hz"] == 1
    assert s["median_abs_error_below_1Hz_Hz"] == pytest.approx(0.1)
    # the linear f predicts 0 everywhere: 100 % in the band
    assert ver.summary(rows, 2.0)["open_loop"]["linear"]["bands"]["1_50Hz"][
        "median_rel_error"] == pytest.approx(1.0)


def test_a_missing_prediction_is_a_failure_not_dropped():
    rows = _table([("closed_loop", f"nu={nu}", {"fluct": p}, 10.0)
                   for nu, p in ((10, 11.0), (15, None), (20, None))])
    band = ver.summary(rows, 2.0)["closed_loop"]["fluct"]["bands"]["1_50Hz"]
    assert band["n"] == 3 and band["n_no_prediction"] == 2
    assert band["median_rel_error"] is None  # two of three failed: the median is a failure
    stats = ver.error_stats([0.1, None, 0.3])
    assert stats["median_rel_error"] == pytest.approx(0.3) and stats["p90_rel_error"] is None
    assert ver.error_stats([]) == {"median_rel_error": None, "p90_rel_error": None, "n": 0,
                                   "n_no_prediction": 0}


def test_predictions_apply_only_to_their_experiments():
    rows = _table([("uniform_feedback", "gain=3;threshold", {"linear": 9.0, "fluct": 10.0}, 10.0)])
    s = ver.summary(rows, 2.0)["uniform_feedback"]
    applies = {q.key for q in PREDICTORS if "uniform_feedback" in q.experiments}
    assert set(s) == applies == {"linear", "fluct"}


def test_selfconsistent_errors_at_converged_external_rates_only():
    rows = _table([("closed_loop", ver.closed_loop_condition(nu), {"selfconsistent": p}, 10.0)
                   for nu, p in ((10.0, 10.5), (15.0, 15.0), (20.0, 11.0))])
    check = {"runs": [{"nu_ext_Hz": 10.0, "converged": True},
                      {"nu_ext_Hz": 15.0, "converged": False},
                      {"nu_ext_Hz": 20.0, "converged": True}]}
    out = ver.converged_only(rows, check, 2.0)
    assert (out["converged"], out["n"]) == (2, 3)
    band = out["errors"]["bands"]["1_50Hz"]
    assert band["n"] == 2 and band["median_rel_error"] == pytest.approx(0.075)
    everywhere = ver.summary(rows, 2.0)["closed_loop"]["selfconsistent"]["bands"]["1_50Hz"]
    assert everywhere["median_rel_error"] == pytest.approx(0.1)
    assert ver.converged_only(rows, {"runs": []}, 2.0) is None


def test_closed_loop_predictions_never_report_an_extrapolated_root(monkeypatch):
    """(iv) at an external rate whose last ladder did not bracket r* is no prediction:
    None in predictions.json, and so a failure in every median."""
    from condrate.theory.predictors import BY_KEY

    monkeypatch.setattr(ver, "PREDICTORS", (BY_KEY["selfconsistent"],))
    sc = [{"nu_ext_Hz": 10.0, "rate_Hz": 5.0, "bracketed": True},
          {"nu_ext_Hz": 20.0, "rate_Hz": 9.0, "bracketed": False}]
    runs = [{"nu_ext_Hz": 20.0, "I_ext_pA": 0.0}, {"nu_ext_Hz": 10.0, "I_ext_pA": 0.0}]
    out = ver.closed_loop_predictions(None, None, runs, {}, sc)
    assert out["nu_ext_Hz"] == [10.0, 20.0]
    assert out["rates_Hz"]["selfconsistent"] == [[5.0, 5.0], None]
    stats = [{"network": {"nu_ext_Hz": nu}, "populations": {
        p: {"rate_Hz": 6.0, "rate_sd_Hz": 1.0, "n_neurons": 100} for p in ("E", "I")}}
        for nu in (20.0, 10.0)]
    rows = ver.closedloop_rows(out, stats)
    assert rows["predicted_Hz_selfconsistent"] == [5.0, 5.0, None, None]
    assert rows["simulated_sem_Hz"][0] == pytest.approx(0.1)
