"""Self-consistent single neurons (iv): the rate root, replayed trains, and NEST."""

import copy

import numpy as np
import pytest
from helpers import simulate_and_gather

from condrate.spiketrains import SpikeTrains
from condrate.theory import convergence
from condrate.theory import selfconsistent as sc


def test_rate_root_interpolates_a_bracketed_crossing():
    levels = np.array([5.0, 8.0, 16.0])
    assert sc.rate_root(levels, 30 - 2 * levels, 0.5) == (pytest.approx(10.0), True)
    # only a crossing from above to below the diagonal counts (the stable one)
    assert sc.rate_root(levels, [4.0, 9.0, 17.0], 0.5)[1] is False


def test_rate_root_extrapolates_and_clamps_when_not_bracketed():
    levels = np.array([5.0, 10.0, 20.0])
    # F = 100 - r: the secant through the top two levels hits 50 Hz, inside exp(2 w) 20
    assert sc.rate_root(levels, 100 - levels, 0.5) == (pytest.approx(50.0), False)
    # F = 1000 - r: 500 Hz is clamped to the ladder's top times exp(2 w)
    assert sc.rate_root(levels, 1000 - levels, 0.5)[0] == pytest.approx(20 * np.e)
    # everything below the diagonal: the root lies under the bottom level
    root, bracketed = sc.rate_root(levels, 0.2 * levels, 0.5)
    assert not bracketed and 5 * np.exp(-1) <= root < 5


def test_ladder_is_geometric_around_its_centre():
    assert sc.ladder(10.0, np.log(2), 3) == pytest.approx([5.0, 10.0, 20.0])


def _gamma_pool(n, rate_Hz, period_ms, shape, seed):
    """n gamma-process trains (ISI CV 1/sqrt(shape)) of rate_Hz over period_ms."""
    rng = np.random.default_rng(seed)
    trains = []
    for _ in range(n):
        isi = rng.gamma(shape, 1e3 / rate_Hz / shape, size=int(3 * rate_Hz * period_ms / 1e3) + 50)
        t = np.cumsum(isi)
        trains.append(t[t < period_ms].tolist())
    return {"trains": trains, "period_ms": period_ms}


def _cv(t):
    isi = np.diff(np.sort(t))
    return isi.std() / isi.mean()


def test_replay_reaches_the_target_rate_and_keeps_the_isi_shape():
    pool = _gamma_pool(30, 10.0, 2000.0, 4.0, seed=1)  # CV 0.5
    rng = np.random.default_rng(2)
    K, T, h = 300, 3000.0, 0.1
    src, shift = rng.integers(0, 30, K), rng.random(K)
    merged = sc.replay_times(pool, 25.0, src, shift, T, h)
    assert np.all(np.diff(merged) >= 0) and merged[0] >= h and merged[-1] <= T
    assert np.allclose(merged / h, np.rint(merged / h))
    assert merged.size / (T / 1e3) == pytest.approx(K * 25.0, rel=0.05)
    # one source, stretched to half the pool rate: every ISI doubles, CV unchanged
    pool_rate = sum(map(len, pool["trains"])) / (30 * pool["period_ms"]) * 1e3
    stretch = pool_rate / 5.0
    one = sc.replay_times(pool, 5.0, [3], [0.0], 3 * stretch * pool["period_ms"], h)
    original = np.asarray(pool["trains"][3])
    first = one[one < stretch * pool["period_ms"]]  # one stretched period, no wrap-around
    assert one.size == pytest.approx(3 * original.size, abs=1)  # tiled three times
    assert np.diff(first) == pytest.approx(stretch * np.diff(original), abs=2 * h)
    assert _cv(first) == pytest.approx(_cv(original), rel=0.02)


def test_draws_are_shared_by_every_level():
    a = sc.draws(7, 4, 10, 5)
    b = sc.draws(7, 4, 10, 5)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert a[0].max() < 5 and 0 <= a[1].min() and a[1].max() < 1


def test_welch_spectrum_of_poisson_trains_is_flat(tmp_path):
    """The spectrum over 2 r of Poisson trains is 1 at every frequency (within noise)."""
    rng = np.random.default_rng(3)
    n, T, rate = 40, 4000.0, 20.0
    idx, t = [], []
    for i in range(n):
        k = rng.poisson(rate * T / 1e3)
        idx += [i] * k
        t += sorted(rng.uniform(0, T, k))
    spikes = SpikeTrains(np.asarray(idx), np.asarray(t), n, {})
    f, psd = convergence.spectrum(spikes, np.arange(n), 0.0, T)
    band = (f > 5) & (f < 400)
    assert np.median(psd[band]) == pytest.approx(1.0, abs=0.05)


@pytest.fixture(scope="module")
def generation_zero(tmp_path_factory, request):
    """Generation 0 of the tiny config, more neurons per level, run in NEST."""
    from helpers import ROOT, load_yaml

    config = load_yaml(ROOT / "config" / "tiny.yaml")
    config["theory"]["selfconsistent"] |= {"neurons_per_level": 40, "t_sim_ms": 1100.0,
                                           "other_starts_Hz": []}
    config["network"]["sweeps"]["nu_ext_Hz"] = []
    spec = sc.selfconsistent_spec(config, "iaf_cond_exp", root=ROOT, generation="g0")
    tmp = tmp_path_factory.mktemp("sc")
    _, _, spikes = simulate_and_gather(tmp, spec, name="g0")
    return spec, sc.group_stats(spec, SpikeTrains.read(spikes)), tmp


def test_replayed_poisson_pool_drives_like_poisson_generators(generation_zero):
    """Replay the spike_generator path with a pool of Poisson trains at the same levels:
    the neurons must fire as under NEST's poisson_generators (weights, receptors,
    stretching and tiling all on the path), level by level within 4 s.e.m."""
    spec, stats, tmp = generation_zero
    replay = copy.deepcopy(spec)
    rng = np.random.default_rng(5)
    N, period = spec["neurons_per_level"], 1000.0
    trains = [sorted(rng.uniform(0, period, rng.poisson(12.0)).round(3).tolist())
              for _ in range(N)]
    replay["groups"][0]["pool"] = {"trains": trains, "period_ms": period}
    _, _, spikes = simulate_and_gather(tmp, replay, name="replay")
    got = sc.group_stats(replay, SpikeTrains.read(spikes))
    ref_rate, ref_sem = np.array(stats["rate_Hz"][0]), np.array(stats["sem_Hz"][0])
    rate, sem = np.array(got["rate_Hz"][0]), np.array(got["sem_Hz"][0])
    assert ref_rate[0] > 2.0  # the lowest level fires: the comparison can fail
    assert np.all(np.abs(rate - ref_rate) < 4 * np.hypot(sem, ref_sem) + 0.5)


def test_next_generation_brackets_and_pools_from_the_run(generation_zero):
    spec, stats, tmp = generation_zero
    spikes = SpikeTrains.read(tmp / "g0.parquet")
    (group,) = sc.next_groups(spec, stats, spikes)
    root, bracketed = sc.rate_root(spec["groups"][0]["levels_Hz"], stats["rate_Hz"][0],
                                   spec["groups"][0]["halfwidth"])
    assert group["center_Hz"] == pytest.approx(root)
    c, width = spec["selfconsistent"], spec["groups"][0]["halfwidth"]
    # narrowed around a bracketed root (not below min_halfwidth); widened around an
    # extrapolation (not beyond the first ladder's)
    assert group["halfwidth"] == pytest.approx(max(width / 2, c["min_halfwidth"]) if bracketed
                                               else min(2 * width, c["ladder_halfwidth"]))
    assert len(group["pool"]["trains"]) == spec["neurons_per_level"]
    level = sc.pool_level(stats["rate_Hz"][0], root)
    # the pool holds exactly that level's spikes after the warm-up
    i = sc.group_index(spec, 0, level)
    k = spikes.in_window(spec["selfconsistent"]["t_warmup_ms"]) & np.isin(spikes.index, i)
    assert sum(map(len, group["pool"]["trains"])) == int(k.sum())


def test_a_groups_own_neuron_parameters_reach_nest(tmp_path):
    """Groups with their own NEST parameters (a map over adaptation strength): at the
    same input and ladder, AdEx without adaptation fires faster than at twice the
    file's, level by level."""
    from helpers import ROOT, load_yaml

    from condrate.map import experiment

    config = load_yaml(ROOT / "config" / "tiny.yaml")
    config["map"] |= {"axis": "adaptation_strength", "adaptation_strength": [0.0, 2.0],
                      "nu_ext_Hz": [20.0, 30.0], "models": ["aeif_cond_exp_rs"],
                      "selfconsistent": {"neurons_per_level": 20, "t_sim_ms": 1500.0}}
    config["theory"]["selfconsistent"]["t_warmup_ms"] = 500.0
    spec = experiment.iterated_spec(config, "aeif_cond_exp_rs", ROOT, generation="g0")
    _, _, spikes = simulate_and_gather(tmp_path, spec, name="g0")
    rates = np.array(sc.group_stats(spec, SpikeTrains.read(spikes))["rate_Hz"])
    # groups: a0-nu20, a0-nu30, a2-nu20, a2-nu30; each at the same ladder levels
    assert rates[1].max() > 2.0  # the comparison can fail
    assert np.all(rates[:2] > 1.5 * rates[2:])  # 2 to 3 times at 20 and 30 Hz
