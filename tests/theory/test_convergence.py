"""When the self-consistent loop has converged: r* settled within the generations' own
bootstrap intervals, bracketed, without a trend (synthetic generation histories)."""

from condrate.theory import convergence

TOL = {"cv": 0.1, "psd": 0.15}


def _gens(roots, halfwidth=0.3, bracketed=True, cv_change=0.02, psd_change=0.05):
    """Generation records with roots r (Hz) and bootstrap intervals r +- halfwidth."""
    return [{"generation": g, "root_Hz": r, "bracketed": bracketed,
             "root_interval_Hz": [r - halfwidth, r + halfwidth],
             "cv_change": None if g == 0 else cv_change,
             "psd_change": None if g == 0 else psd_change}
            for g, r in enumerate(roots)]


def test_a_loop_that_settles_within_its_noise_converges():
    gens = _gens([10.0, 8.0, 9.1, 8.9, 9.05])
    assert not convergence.rate_unsettled(gens) and not convergence.unsettled(gens, TOL)


def test_an_oscillating_loop_does_not_converge():
    # successive roots 1 Hz apart with intervals of +-0.3 Hz
    gens = _gens([9.0, 10.0, 9.0, 10.0, 9.0])
    assert convergence.rate_unsettled(gens)


def test_a_drifting_loop_does_not_converge_even_in_small_steps():
    # each step inside the union of the two intervals, but a monotone trend of three
    # whose total change (0.5 Hz) exceeds the half-width (0.3 Hz)
    gens = _gens([10.0, 10.6, 10.85, 11.1, 11.35])
    assert all(abs(b["root_Hz"] - a["root_Hz"]) < 0.6 for a, b in zip(gens[2:], gens[3:]))
    assert convergence.rate_unsettled(gens)
    # the same small steps without a trend converge
    assert not convergence.rate_unsettled(_gens([10.0, 10.6, 10.85, 11.1, 10.9]))


def test_an_extrapolated_root_never_converges():
    gens = _gens([9.0, 9.0, 9.0], bracketed=False)
    assert convergence.rate_unsettled(gens)
    gens[-1]["bracketed"] = gens[-2]["bracketed"] = True
    assert not convergence.rate_unsettled(gens)


def test_a_loop_that_did_not_converge_says_which_test_failed():
    gens = _gens([10.0, 10.6, 10.85, 11.1, 11.35], psd_change=0.3)
    assert convergence.unsettled(gens, TOL) == ["r* trend 10.85 → 11.35 Hz",
                                                "psd changed 0.30 > 0.15"]
    assert convergence.unsettled(_gens([9.0, 10.0], cv_change=0.2), TOL) == [
        "r* stepped 9.00 → 10.00 Hz, intervals apart", "cv changed 0.20 > 0.1"]
    assert convergence.unsettled(_gens([9.0, 9.05, 9.0]), TOL) == []


def test_cv_and_spectrum_must_settle_too():
    assert convergence.unsettled(_gens([9.0, 9.0, 9.0], cv_change=0.2), TOL)
    assert convergence.unsettled(_gens([9.0, 9.0, 9.0], psd_change=0.2), TOL)
    assert convergence.unsettled(_gens([9.0]), TOL)  # one generation cannot settle


def _prediction(nu, rate, half, start=None):
    q = {"nu_ext_Hz": nu, "rate_Hz": rate, "rate_interval_Hz": [rate - half, rate + half],
         "bracketed": True, "converged": True}
    return q | ({"start_Hz": start} if start is not None else {})


def test_loops_from_other_starts_are_compared_with_the_main_one():
    preds = [_prediction(10.0, 7.0, 0.3), _prediction(15.0, 9.0, 0.3),
             _prediction(15.0, 9.4, 0.3, start=40.0), _prediction(15.0, 10.0, 0.3, start=2.0)]
    out = convergence.start_comparison(preds)
    assert [(q["start_Hz"], q["agree"]) for q in out] == [(40.0, True), (2.0, False)]
    assert all(q["main_rate_Hz"] == 9.0 for q in out)
    assert convergence.start_comparison(preds[:2]) == []
