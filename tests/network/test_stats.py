"""Vectorised spike statistics against Elephant's reference implementations."""

import elephant.conversion as conv
import elephant.spike_train_correlation as corr
import elephant.statistics as es
import neo
import numpy as np
import pytest
import quantities as pq

from condrate.network import balance, stats
from condrate.synapses import SynapticInput


@pytest.fixture(scope="module")
def trains():
    """30 neurons: Poisson at different rates plus a shared component for some pairs."""
    rng = np.random.default_rng(7)
    t1 = 2000.0
    idx, times = [], []
    common = np.sort(rng.uniform(0, t1, 40))
    for n in range(30):
        t = np.sort(rng.uniform(0, t1, rng.integers(20, 80)))
        if n < 10:
            t = np.sort(np.concatenate([t, common + rng.normal(0, 1.0, common.size)]))
        t = np.round(np.clip(t, 0, t1 - 1e-3), 3)
        idx.append(np.full(t.size, n))
        times.append(t)
    return np.concatenate(idx), np.concatenate(times), t1


def neo_train(times, t1):
    return neo.SpikeTrain(times * pq.ms, t_start=0 * pq.ms, t_stop=t1 * pq.ms)


def test_cv_matches_elephant(trains):
    idx, t, t1 = trains
    cv = stats.isi_cv(idx, t, 30, 2)
    for n in (0, 5, 17, 29):
        ref = es.cv(es.isi(neo_train(np.sort(t[idx == n]), t1)))
        assert cv[n] == pytest.approx(float(ref), rel=1e-10)


def test_fano_matches_elephant_over_windows(trains):
    idx, t, t1 = trains
    counts = stats.binned_counts(idx, t, 30, 0.0, t1, 100.0)
    ff = stats.fano_factors(counts)
    for n in (3, 12):
        tn = np.sort(t[idx == n])
        windows = [neo.SpikeTrain((tn[(tn >= a) & (tn < a + 100)] - a) * pq.ms, t_stop=100 * pq.ms)
                   for a in np.arange(0, t1, 100.0)]
        assert ff[n] == pytest.approx(es.fanofactor(windows), rel=1e-10)


def test_pair_correlations_match_elephant(trains):
    idx, t, t1 = trains
    counts = stats.binned_counts(idx, t, 30, 0.0, t1, 10.0)
    binned = conv.BinnedSpikeTrain([neo_train(np.sort(t[idx == n]), t1) for n in range(30)],
                                   bin_size=10 * pq.ms)
    ref = corr.correlation_coefficient(binned)
    pairs = np.array([[0, 1], [2, 9], [0, 20], [15, 25]])
    ours = stats.pair_correlations(counts, pairs)
    assert ours == pytest.approx(ref[pairs[:, 0], pairs[:, 1]], rel=1e-9)
    assert ours[0] > 0.2 and abs(ours[3]) < 0.2  # shared input shows, independent does not


def test_chi_is_one_for_synchrony_and_small_for_independence():
    rng = np.random.default_rng(3)
    same = np.tile(rng.poisson(1.0, 400), (50, 1))
    assert stats.synchrony_chi(same) == pytest.approx(1.0)
    indep = rng.poisson(1.0, (400, 400))
    assert stats.synchrony_chi(indep) == pytest.approx(1 / np.sqrt(400), rel=0.15)


def test_sample_pairs_are_distinct_neurons():
    pairs = stats.sample_pairs(np.arange(10, 20), 500, 1)
    assert (pairs[:, 0] != pairs[:, 1]).all() and pairs.min() >= 10 and pairs.max() < 20


def test_balance_rate_solves_zero_mean_current():
    exc = SynapticInput("excitatory", 400, 1.0, 5.0, 0.0, "exponential")
    inputs = {"E": exc, "I": SynapticInput("inhibitory", 100, 12.0, 10.0, -80.0, "exponential"),
              "ext": exc}
    r = balance.balance_rate(inputs, 0.0, 16.7, -70.0, -55.0, 15.0)
    # mean current at V = -55 mV (pA): 400 x 1 nS x 5 ms x (0 + 55) mV per Hz of E,
    # 100 x 12 nS x 10 ms x (-80 + 55) mV per Hz of I, and the leak
    current = (400 * 1.0 * 5e-3 * 55.0 * (r + 15.0) + 100 * 12.0 * 10e-3 * (-25.0) * r
               + 16.7 * (-70 + 55))
    assert r > 0 and current == pytest.approx(0.0, abs=1e-9)


def test_step_response_time_of_an_exponential():
    """Repeated up-steps with an 8 ms exponential approach: the average recovers it."""
    step = {"t_ms": 100.0, "nu_ext_Hz": 0.0, "period_ms": 100.0}
    ups, _ = balance.step_times(step, 1100.0)
    assert ups == [100.0 + 100.0 * k for k in range(10)]
    t = np.arange(0, 1100, 0.01)
    phase = (t - 100.0) % 100.0
    up = (t >= 100.0) & (phase < 50.0)
    since = np.where(up, phase, phase - 50.0)
    rate = np.where(up, 20.0 - 10.0 * np.exp(-since / 8.0), 10.0 + 10.0 * np.exp(-since / 8.0))
    rate[t < 100.0] = 10.0
    spikes = np.repeat(t, np.random.default_rng(0).poisson(rate * 1e-5 * 5000))
    r = balance.averaged_step_response(spikes, 5000, ups, 100.0)
    assert r["response_time_ms"] == pytest.approx(8.0, abs=1.0)
    assert r["rate_after_Hz"] == pytest.approx(20.0, rel=0.05)
    assert r["n_steps"] == 10


def test_up_down_states_are_found_with_their_period_and_duty_cycle():
    """A population rate alternating between 20 Hz for 300 ms and 0.5 Hz for 700 ms
    (Poisson counts of 1000 neurons in 10 ms bins): up/down states present, period
    1000 ms, duty cycle 0.3; the same mean rate without the alternation (asynchronous
    noise) has none."""
    from condrate.network.stats import up_down_states

    rng = np.random.default_rng(3)
    t = np.arange(0, 10_000, 10.0)  # ms
    rate = np.where((t % 1000) < 300, 20.0, 0.5)
    noisy = rng.poisson(rate * 1000 * 0.01) / (1000 * 0.01)
    ud = up_down_states(noisy, 10.0, 50.0, 100.0, 3.0)
    assert ud["present"] and ud["n_up"] in (9, 10)
    assert ud["period_ms"] == pytest.approx(1000.0, abs=20.0)
    assert ud["duty_cycle"] == pytest.approx(0.3, abs=0.03)
    assert ud["up_rate_Hz"] == pytest.approx(20.0, rel=0.1)
    flat = rng.poisson(np.full_like(t, 6.35) * 1000 * 0.01) / (1000 * 0.01)
    assert not up_down_states(flat, 10.0, 50.0, 100.0, 3.0)["present"]
