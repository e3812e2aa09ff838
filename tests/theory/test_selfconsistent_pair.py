"""The self-consistent loop (iv) of a two-model network: E and I pools of two models."""

import copy
import math

import numpy as np
import pytest

from condrate.io import read_json
from condrate.spiketrains import SpikeTrains
from condrate.theory import selfconsistent as sc
from condrate.theory import selfconsistent_pair as pair
from helpers import ROOT, load_yaml, simulate_and_gather


def _F(r):
    """A smooth inhibition-dominated pair: softplus rates of E and I (Hz)."""
    r_E, r_I = r
    sp = lambda x: 5.0 * math.log1p(math.exp(x / 5.0))  # noqa: E731
    return [sp(6.0 + 2.0 * r_E - 1.2 * r_I), sp(4.0 + 3.0 * r_E - 0.4 * r_I)]


def test_the_grid_is_geometric_on_each_axis():
    g = np.array(pair.grid([2.0, 10.0], 0.5, 3))
    assert g.shape == (9, 2)
    assert sorted(set(g[:, 0])) == pytest.approx([2 * math.exp(-0.5), 2.0, 2 * math.exp(0.5)])
    assert sorted(set(g[:, 1])) == pytest.approx([10 * math.exp(-0.5), 10.0, 10 * math.exp(0.5)])


def test_local_fits_from_a_poor_guess_reach_the_pairs_fixed_point():
    """The loop's solve on a nonlinear pair: grids narrowing where they bracket r*
    (the generations' rule), from a guess a factor 3 off on both axes, land on the
    fixed point that scipy's root finder gives for F(r) = r."""
    from scipy import optimize

    truth = optimize.fsolve(lambda r: np.asarray(_F(r)) - r, [5.0, 20.0])
    assert np.allclose(_F(truth), truth)
    center, width = [truth[0] / 3, truth[1] * 3], 0.7
    for _ in range(12):
        pairs = pair.grid(center, width, 3)
        out = np.array([_F(p) for p in pairs])
        center, bracketed = pair.local_root(pairs, out[:, 0], out[:, 1], width, 0.1)
        width = max(width / 2, 0.05) if bracketed else min(2 * width, 0.7)
    assert bracketed
    assert center == pytest.approx(truth, rel=2e-3)


def test_a_root_outside_the_grid_is_not_bracketed_and_kept_near_it():
    """A pair whose root lies far above the grid (F about 50 and 80 Hz at 1 Hz of
    input): r* is an extrapolation (not bracketed), kept within exp(2 halfwidth) of the
    grid's top."""
    pairs = pair.grid([1.0, 1.0], 0.2, 3)
    F = [[50.0 + 0.5 * e - 0.1 * i, 80.0 + 0.2 * e - 0.3 * i] for e, i in pairs]
    out = np.array(F)
    root, bracketed = pair.local_root(pairs, out[:, 0], out[:, 1], 0.2, 0.1)
    assert not bracketed
    assert root == pytest.approx([math.exp(0.2) * math.exp(0.4)] * 2)  # the top, widened


@pytest.fixture(scope="module")
def rs_fs_generation_zero(tmp_path_factory):
    """Generation 0 of the RS-FS preset's pair loop, small: one external rate, 12
    neurons per pair and population, 2 s."""
    from snakemake.utils import update_config

    config = load_yaml(ROOT / "config" / "config.yaml")
    update_config(config, load_yaml(ROOT / "config" / "rs_fs_adex.yaml"))
    config["nest"]["virtual_processes"] = 2
    config["theory"]["selfconsistent"] |= {"neurons_per_level": 12, "t_sim_ms": 2000.0,
                                           "t_warmup_ms": 500.0, "ladder_halfwidth": 0.9}
    config["network"]["nu_ext_Hz"] = 6.0
    config["network"]["sweeps"]["nu_ext_Hz"] = []
    spec = sc.selfconsistent_spec(config, "adex_rs_zerlaut", root=ROOT, generation="g0")
    tmp = tmp_path_factory.mktemp("pair")
    spec_path, _, spikes = simulate_and_gather(tmp, spec, name="g0")
    return config, spec, pair.pair_stats(spec, SpikeTrains.read(spikes)), tmp


def test_each_pool_drives_its_own_receptor_in_both_models(rs_fs_generation_zero):
    """At generation 0's grid of Poisson inputs: both models' outputs rise with r_E and
    fall with r_I (corner against corner), and the FS cells fire faster than the RS
    cells at the same inputs: the E pool reaches the excitatory and the I pool the
    inhibitory receptor of each model, and the populations are not swapped."""
    _, spec, stats, _ = rs_fs_generation_zero
    assert pair.is_pair(spec) and pair.layout(spec) == (1, 9, 12)
    for pop in pair.POPS:
        F = np.array(stats[pop]["rate_Hz"][0]).reshape(3, 3)  # [r_E level, r_I level]
        assert F[2, 0] > 1.0  # high E, low I fires: the comparisons can fail
        assert F[2, 0] > F[0, 0] + 1.0 and F[2, 0] > F[2, 2] + 1.0
    E, I = (np.array(stats[p]["rate_Hz"][0]) for p in pair.POPS)
    assert np.all(I[E > 0.5] > E[E > 0.5])


def test_replayed_poisson_pools_drive_like_poisson_generators(rs_fs_generation_zero):
    """The spike_generator path with Poisson pools at generation 0's pairs: both models
    fire as under NEST's poisson_generators, pair by pair within 4 s.e.m. (weights,
    receptors, stretching and the two pools all on the path)."""
    _, spec, stats, tmp = rs_fs_generation_zero
    replay = copy.deepcopy(spec)
    rng = np.random.default_rng(7)
    N, period = spec["neurons_per_level"], 1500.0
    replay["groups"][0]["pool"] = {
        pop: {"trains": [sorted(rng.uniform(0, period, rng.poisson(rate * period / 1e3))
                                .round(3).tolist()) for _ in range(N)], "period_ms": period}
        for pop, rate in (("E", 4.0), ("I", 12.0))}
    _, _, spikes = simulate_and_gather(tmp, replay, name="replay")
    got = pair.pair_stats(replay, SpikeTrains.read(spikes))
    for pop in pair.POPS:
        ref, ref_sem = np.array(stats[pop]["rate_Hz"][0]), np.array(stats[pop]["sem_Hz"][0])
        rate, sem = np.array(got[pop]["rate_Hz"][0]), np.array(got[pop]["sem_Hz"][0])
        assert np.all(np.abs(rate - ref) < 4 * np.hypot(sem, ref_sem) + 0.5), pop


def test_two_generations_give_a_pair_of_rates_with_their_convergence(rs_fs_generation_zero,
                                                                       tmp_path):
    """Generation 1 from generation 0's files (the workflow's spec path): its pools are
    the nearest pair's E and I trains after the warm-up, spike for spike; then the
    stage's selfconsistent.json holds r* = [r_E, r_I] with an interval each around it
    and each population's history of the two generations."""
    from condrate.theory import stage

    config, spec, stats, tmp = rs_fs_generation_zero
    g1 = sc.selfconsistent_spec(config, "adex_rs_zerlaut", root=ROOT, generation="g1",
                                previous_spec=tmp / "g0.json",
                                previous_spikes=tmp / "g0.parquet")
    root, bracketed, near = pair.solve_group(spec, stats, 0)
    (group,) = g1["groups"]
    assert group["center_Hz"] == pytest.approx(root)
    spikes = SpikeTrains.read(tmp / "g0.parquet")
    for pop in pair.POPS:
        i = pair.pair_index(spec, pop, 0, near)
        k = spikes.in_window(spec["selfconsistent"]["t_warmup_ms"]) & np.isin(spikes.index, i)
        pool = group["pool"][pop]  # None: too few spikes, Poisson input at the rate
        assert (int(k.sum()) < sc.MIN_POOL_SPIKES if pool is None
                else sum(map(len, pool["trains"])) == int(k.sum()))
    _, _, spikes1 = simulate_and_gather(tmp_path, g1, name="g1")
    out = tmp_path / "selfconsistent.json"
    stage.write_selfconsistent([tmp / "g0.json", tmp_path / "g1.json"],
                               [tmp / "g0.parquet", spikes1], out,
                               (tmp_path / "c.pdf", tmp_path / "c.png"))
    (q,) = read_json(out)["predictions"]
    assert len(q["rate_Hz"]) == 2 and all(r > 0 for r in q["rate_Hz"])
    for (lo, hi), r in zip(q["rate_interval_Hz"], q["rate_Hz"]):
        assert lo <= hi and r / 2 < lo <= hi < 2 * r  # an interval around r*
    assert set(q["history"]) == {"E", "I"} and len(q["history"]["E"]) == 2
    assert q["history"]["I"][1]["input"] == "replay"
    assert (tmp_path / "c.png").stat().st_size > 0


def test_a_grid_too_coarse_for_the_quadratic_is_refused():
    """levels = 2 gives 4 pairs, fewer than the quadratic's 6 coefficients: a clear
    error naming the key, before anything runs."""
    from condrate.errors import ConfigError

    c = {"levels": 2, "start_rate_Hz": 3.0, "ladder_halfwidth": 0.7}
    with pytest.raises(ConfigError, match="theory.selfconsistent.levels"):
        pair.first_groups(c, [{"nu_ext_Hz": 4.0}])


def test_a_map_generation_scales_each_populations_adaptation_in_its_own_neurons(
        rs_fs_generation_zero, tmp_path):
    """The RS-FS map's pair loop (condrate.map.experiment): a group per point, the RS
    cells' a and b scaled by the point's strength, the FS cells (no adaptation) as
    filed. Run in NEST at two strengths and the same inputs: without adaptation the RS
    cells fire faster than at 3 x its strength (at the grid's firing pairs), while the
    FS cells, unchanged, fire alike (within 4 s.e.m.)."""
    from condrate.map import experiment as map_experiment

    config = copy.deepcopy(rs_fs_generation_zero[0])
    config["map"] |= {"adaptation_strength": [0.0, 3.0], "nu_ext_Hz": [6.0],
                      "selfconsistent": {"neurons_per_level": 12}}
    spec = map_experiment.iterated_spec(config, "adex_rs_zerlaut", root=ROOT, generation="g0")
    assert pair.is_pair(spec) and pair.layout(spec) == (2, 9, 12)
    weak, strong = (g["nest_params"] for g in spec["groups"])
    # models/adex_rs_zerlaut.yaml: a = 4 nS, b = 20 pA; the FS file has no adaptation
    assert weak == {"E": {"a": 0.0, "b": 0.0}, "I": {}}
    assert strong == {"E": {"a": 12.0, "b": 60.0}, "I": {}}
    _, _, spikes = simulate_and_gather(tmp_path, spec, name="g0")
    stats = pair.pair_stats(spec, SpikeTrains.read(spikes))
    rate, sem = ({pop: np.array(stats[pop][k]) for pop in pair.POPS}
                 for k in ("rate_Hz", "sem_Hz"))
    firing = rate["E"][1] > 1.0  # pairs where the strongly adapting RS cells fire
    assert firing.sum() >= 2
    assert np.all(rate["E"][0][firing] > 1.5 * rate["E"][1][firing])
    assert np.all(np.abs(rate["I"][0] - rate["I"][1])
                  < 4 * np.hypot(sem["I"][0], sem["I"][1]) + 0.5)
