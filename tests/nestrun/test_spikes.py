"""Gather of per-VP spike files: order, counts, and every fault named with its file.

Fault cases are easiest to make on files written here in NEST's ascii format;
tests/test_simulate.py gathers files written by NEST itself.
"""

import json

import numpy as np
import pytest

from condrate.errors import SpikeDataError
from condrate.nestrun.spikes import gather, read_spikes

HEADER = "# NEST version: 3.10.0\n# RecordingBackendASCII version: 2.0\nsender\ttime_ms\n"


def make_run(path, per_vp, ranks=2):
    path.mkdir()
    for vp, rows in enumerate(per_vp):
        body = "".join(f"{s}\t{t:.3f}\n" for s, t in rows)
        (path / f"spikes-21-{vp}.dat").write_text(HEADER + body)
    manifest = {
        "spike_label": "spikes", "recorders": {"spikes": 21}, "virtual_processes": len(per_vp),
        "ranks": ranks, "n_neurons": 20, "first_node_id": 1,
        "spikes_per_rank": [sum(len(per_vp[v]) for v in range(r, len(per_vp), ranks))
                            for r in range(ranks)],
        "spikes_total": sum(len(r) for r in per_vp),
        "provenance": {"seed": 1, "virtual_processes": len(per_vp)},
    }
    (path / "manifest.json").write_text(json.dumps(manifest))
    return manifest


@pytest.fixture
def run(tmp_path):
    per_vp = [[(2, 1.5), (4, 0.3), (2, 7.0)], [(1, 1.5), (3, 0.3)]]
    make_run(tmp_path / "sim", per_vp)
    return tmp_path / "sim"


def test_gather_sorts_by_time_then_sender_and_keeps_every_spike(run, tmp_path):
    out = tmp_path / "spikes.parquet"
    assert gather(run, out) == {"spikes": 5, "files": 2}
    senders, times, meta = read_spikes(out)
    assert times.tolist() == [0.3, 0.3, 1.5, 1.5, 7.0]
    assert senders.tolist() == [3, 4, 1, 2, 2]
    assert senders.dtype == np.int32 and times.dtype == np.float64
    assert meta["spikes_total"] == 5 and meta["provenance"]["seed"] == 1


def test_gather_is_byte_identical_on_rerun(run, tmp_path):
    gather(run, tmp_path / "a.parquet")
    gather(run, tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def expect_failure(run, tmp_path, match):
    out = tmp_path / "spikes.parquet"
    with pytest.raises(SpikeDataError, match=match):
        gather(run, out)
    assert not out.exists()
    assert not any(p.name.startswith(".spikes.parquet") for p in tmp_path.iterdir())


def test_missing_vp_file_is_named(run, tmp_path):
    (run / "spikes-21-1.dat").unlink()
    expect_failure(run, tmp_path, r"VP\(s\) \[1\] are missing")


def test_truncated_line_is_named(run, tmp_path):
    f = run / "spikes-21-0.dat"
    f.write_text(f.read_text()[:-3])
    expect_failure(run, tmp_path, "spikes-21-0.dat: truncated")


def test_count_mismatch_names_the_rank_and_files(run, tmp_path):
    f = run / "spikes-21-1.dat"
    f.write_text(f.read_text() + "5\t9.000\n")
    expect_failure(run, tmp_path, r"rank 1 recorded 2 spikes but its files \['spikes-21-1.dat'\] hold 3")


def test_malformed_row_is_named(run, tmp_path):
    f = run / "spikes-21-0.dat"
    f.write_text(f.read_text() + "7\n")
    expect_failure(run, tmp_path, "spikes-21-0.dat: malformed data")


def test_stray_file_is_named(run, tmp_path):
    (run / "other-3-0.dat").write_text(HEADER)
    expect_failure(run, tmp_path, "other-3-0.dat: unexpected file")
