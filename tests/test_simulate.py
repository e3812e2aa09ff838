"""The MPI entry point: same seed and VP count give the same bytes, whatever the split."""

import pytest

from condrate.fi import experiment as fi
from condrate.io import read_json
from helpers import ROOT, simulate_and_gather

pytestmark = pytest.mark.nest


@pytest.mark.mpi
def test_two_ranks_and_two_threads_give_identical_bytes(tmp_path, tiny_config):
    """Same seed, same VP count: 2 ranks x 1 thread == 1 rank x 2 threads, byte for byte."""
    tiny_config["fi"]["conditions"] = ["noisy"]
    spec = fi.fi_spec(tiny_config, "iaf_cond_exp", ROOT)
    outs = []
    for tasks, threads in ((2, 1), (1, 2)):
        _, sim, out = simulate_and_gather(tmp_path, spec, tasks, threads, f"sim{tasks}x{threads}")
        manifest = read_json(sim / "manifest.json")
        assert manifest["ranks"] == tasks and len(manifest["spikes_per_rank"]) == tasks
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert len(outs[0]) > 1000


def test_progress_chunks_leave_the_spikes_unchanged(tmp_path, tiny_config):
    """Simulating in 10 chunks (a progress line each on rank 0) or in one gives the
    same bytes: Prepare, Run..., Cleanup is what nest.Simulate does."""
    import subprocess

    from condrate.io import write_json
    from condrate.nestrun.launch import simulate_argv

    spec = fi.fi_spec(tiny_config, "iaf_cond_exp", ROOT)
    spec_path = tmp_path / "spec.json"
    write_json(spec_path, spec)
    files = {}
    for chunks in (1, 10):
        out = tmp_path / f"sim{chunks}"
        proc = subprocess.run(simulate_argv(spec_path, out, 1, 2)
                              + ["--progress-chunks", str(chunks)],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert proc.stderr.count("ms simulated") == chunks
        files[chunks] = {p.name: p.read_bytes() for p in out.glob("*.dat")}
    assert files[1] == files[10] and len(files[1]) == 2
