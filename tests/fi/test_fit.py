"""The threshold fit on synthetic f-I curves with known parameters."""

import numpy as np
import pytest

from condrate.fi import fit


def synthetic(beta=0.1, i0=50.0, v=15.0, levels=(10.0, 20.0, 30.0, 50.0), noise=0.0, seed=1):
    rng = np.random.default_rng(seed)
    I, g = np.meshgrid(np.linspace(0, 2000, 201), levels)
    I, g = I.ravel(), g.ravel()
    r = beta * np.clip(I - i0 - v * g, 0, None) + noise * rng.standard_normal(I.size)
    return I, g, np.clip(r, 0, None)


def test_recovers_known_shift_exactly_without_noise():
    I, g, r = synthetic()
    out = fit.fit_shift(I, g, r, (5, 60))
    assert out["v_theta_mV"] == pytest.approx(15.0, rel=1e-6)
    assert out["I_theta0_pA"] == pytest.approx(50.0, rel=1e-6)
    assert out["gain_Hz_per_pA"] == pytest.approx(0.1, rel=1e-6)
    assert out["r2"] == pytest.approx(1.0)


def test_interval_covers_truth_under_noise_and_is_narrow():
    I, g, r = synthetic(v=-4.0, i0=300.0, noise=2.0)
    out = fit.fit_shift(I, g, r, (5, 60))
    lo, hi = out["v_theta_ci_mV"]
    assert lo < -4.0 < hi
    assert hi - lo < 1.0


def test_too_few_points_is_an_error():
    I, g, r = synthetic()
    with pytest.raises(ValueError, match="fit band"):
        fit.fit_shift(I, g, r, (500, 600))


def test_rheobase_interpolates_the_criterion_crossing():
    I = np.array([0.0, 10.0, 20.0, 30.0])
    r = np.array([0.0, 0.0, 4.0, 8.0])
    assert fit.rheobase(I, r, 1.0) == pytest.approx(12.5)
    assert np.isnan(fit.rheobase(I, np.zeros(4), 1.0))


def test_condition_reports_slope_of_rheobase_and_gain_ratio():
    I, g, r = synthetic(beta=0.2, i0=0.0, v=12.0)
    out = fit.fit_condition(I, g, r, (5, 60), 1.0)
    # rheobase crosses 1 Hz at I0 + v g + 1/beta: the slope is exactly v
    assert out["v_theta_rheobase_mV"] == pytest.approx(12.0, rel=1e-3)
    assert out["gain_ratio"] == pytest.approx([1.0, 1.0, 1.0, 1.0], rel=1e-6)
    assert out["g_total_nS"] == [10.0, 20.0, 30.0, 50.0]


def test_intervals_of_a_curved_f_i_are_not_narrower_than_the_estimates():
    """A concave f-I curve whose curvature changes with the conductance (as a shorter
    membrane time constant straightens an LIF curve) misspecifies the threshold-linear
    model: the covariance interval of v_theta is then far narrower than the spread of
    v_theta over fit bands, and the reported interval must cover both that spread and
    the bootstrap interval."""
    rng = np.random.default_rng(3)
    levels = np.repeat([10.0, 20.0, 30.0, 50.0], 80)
    I = np.tile(np.linspace(0, 2000, 80), 4)
    # rheobase 50 pA + 15 mV x g, then r = 3 (I - rheobase)^(0.5 + 0.006 g), +-2 Hz noise
    x = np.clip(I - 50.0 - 15.0 * levels, 0, None)
    r = 3.0 * x ** (0.5 + 0.006 * levels) + rng.normal(0, 2.0, I.size)
    out = fit.fit_shift(I, levels, np.clip(r, 0, None), [5.0, 300.0])
    band = out["v_theta_band_range_mV"]
    ci = out["v_theta_ci_mV"]
    assert band[1] - band[0] > 2 * (ci[1] - ci[0])  # the t-interval is overconfident here
    lo, hi = out["v_theta_interval_mV"]
    assert lo <= min(out["band_sensitivity"]["v_theta_mV"]) and hi >= max(out["band_sensitivity"]["v_theta_mV"])
    boot = out["v_theta_bootstrap_ci_mV"]
    assert lo <= boot[0] < boot[1] <= hi
    assert set(out["interval_kinds"]) == {"ci", "bootstrap_ci", "band_range", "interval"}
