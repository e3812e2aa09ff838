"""NWB and NIX export of a tiny network run, read back with Neo: every spike, the
populations, and one Elephant statistic equal to condrate's own."""

import subprocess

import numpy as np
import pytest
import quantities as pq

from condrate.io import read_json
from condrate.spiketrains import SpikeTrains
from helpers import ROOT, snakemake_cmd

pytestmark = pytest.mark.workflow

RUN = "results/network/iaf_cond_exp/default"


@pytest.fixture(scope="module")
def exported(tiny_run):
    proc = subprocess.run(
        snakemake_cmd(tiny_run, f"{RUN}/spikes.nwb", f"{RUN}/spikes.nix", "--cores", "1",
                      "--configfile", str(ROOT / "config" / "tiny.yaml")),
        capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return tiny_run / RUN


def test_nwb_units_table_labels_the_populations(exported):
    from pynwb import NWBHDF5IO

    net = read_json(exported / "stats.json")["network"]
    with NWBHDF5IO(str(exported / "spikes.nwb"), "r") as io:
        units = io.read().units
        pops = list(units["population"][:])
        intervals = units["obs_intervals"][0]
    assert pops == ["E"] * net["N_E"] + ["I"] * net["N_I"]
    np.testing.assert_allclose(intervals, [[0.0, net["t_sim_ms"] / 1e3]])


def _trains(path):
    from neo.io import NixIO, NWBIO

    io = NWBIO(str(path), mode="r") if path.suffix == ".nwb" else NixIO(str(path), mode="ro")
    block = io.read_block()
    if hasattr(io, "close"):
        io.close()
    return block.segments[0].spiketrains


@pytest.mark.parametrize("fmt", ["nwb", "nix"])
def test_export_round_trip_keeps_every_spike_and_the_rate(exported, fmt):
    from elephant.statistics import mean_firing_rate

    stats = read_json(exported / "stats.json")
    net = stats["network"]
    trains = _trains(exported / f"spikes.{fmt}")
    assert len(trains) == net["N_E"] + net["N_I"]
    ours = SpikeTrains.read(exported / "spikes.parquet")
    assert sum(len(t) for t in trains) == len(ours.times_ms)
    n_e = 0
    for i, t in enumerate(trains):
        pop = t.annotations.get("population")
        if pop is not None:  # NIX keeps the annotation; NWB gives the units-table column
            assert pop == ("E" if i < net["N_E"] else "I")
        n_e += i < net["N_E"]
    first = np.sort(ours.times_ms[ours.index == 0])
    np.testing.assert_allclose(trains[0].rescale(pq.ms).magnitude, first, atol=1e-9)
    t0, t1 = net["t_warmup_ms"] * pq.ms, net["t_sim_ms"] * pq.ms
    # condrate's window is [t0, t1), Elephant's closed: spikes at t1 (the last step) are
    # left out first; Elephant refuses an empty train, whose rate is 0
    kept = [t.rescale(pq.ms)[t.rescale(pq.ms) < t1] for t in trains[:n_e]]
    rates = [float(mean_firing_rate(k, t_start=t0, t_stop=t1).rescale(pq.Hz)) if len(k) else 0.0
             for k in kept]
    assert np.mean(rates) == pytest.approx(stats["populations"]["E"]["rate_Hz"], rel=1e-9)
