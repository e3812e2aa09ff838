"""MPI entry point: run one NEST simulation described by a spec file.

    {mpi} -n {tasks} python -m condrate.simulate SPEC --out DIR --tasks N --threads T

Every rank writes its own spike files (NEST's ascii backend, one file per VP) into
``DIR.partial``; after a barrier rank 0 writes ``manifest.json`` with the spikes
each rank recorded and renames the folder to ``DIR``. No rank reads another's
files and no analysis happens here (see condrate.nestrun.spikes for the gather).
What to build is looked up in condrate.experiments by the spec's "kind".
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
from pathlib import Path

from . import experiments
from .errors import ConfigError
from .io import read_json, write_json
from .nestrun.kernel import (
    configure_kernel,
    import_nest,
    is_root,
    kernel_report,
    launched_ranks,
    mpi_comm,
)
from .nestrun import extension, nestml
from .nestrun.launch import check_vp
from .nestrun.provenance import provenance
from .nestrun.recorders import SPIKE_LABEL
from .params import model_from_spec
from .protocol import Nodes


def build(nest, spec) -> Nodes:
    """Create and connect the experiment of ``spec`` (looked up by its kind)."""
    return experiments.get(spec["kind"]).build(nest, model_from_spec(spec), spec)


def install_extension(nest, spec) -> dict | None:
    """Load the module of the spec's model into the reset kernel (on every rank: each
    runs this) when it is not NEST's built-in: condrate's module (fixed-step models) or
    the model's NESTML module; return what the manifest records of it (None for NEST's
    built-in models)."""
    model = model_from_spec(spec)
    if model.nestml is not None:
        return {"module": nestml.module_name(Path(model.nestml["source"])),
                "source_hash": nestml.install(nest, model.nestml),
                "nest_model": model.nest_model}
    if not model.needs_extension:
        return None
    return {"module": extension.MODULE, "source_hash": extension.install(nest),
            "nest_model": model.nest_model}


PROGRESS_CHUNKS = 10


def simulate_with_progress(nest, duration_ms: float, chunks: int = PROGRESS_CHUNKS) -> None:
    """nest.Simulate in ``chunks`` Run calls between one Prepare and one Cleanup (what
    Simulate itself does, so the spikes are the same bytes), with a line per chunk on
    rank 0's stderr (the rule's log): simulated time, wall time, real-time factor."""
    import time

    steps = round(duration_ms / nest.resolution)
    bounds = [round(steps * k / chunks) for k in range(chunks + 1)]
    start = time.perf_counter()
    nest.Prepare()
    for k in range(chunks):
        if bounds[k + 1] > bounds[k]:
            nest.Run((bounds[k + 1] - bounds[k]) * nest.resolution)
        if is_root(nest):
            wall = time.perf_counter() - start
            done = bounds[k + 1] * nest.resolution
            sys.stderr.write(f"condrate.simulate: {done:.1f} of {duration_ms:.1f} ms simulated, "
                             f"{wall:.1f} s wall ({wall / max(done, 1e-9) * 1e3:.1f} s per "
                             "simulated s)\n")
            sys.stderr.flush()
    nest.Cleanup()


def run(spec: dict, out: Path, tasks: int, threads: int, chunks: int = PROGRESS_CHUNKS) -> None:
    k = spec["kernel"]
    check_vp(tasks, threads, k["virtual_processes"])
    if launched_ranks() != tasks:
        raise ConfigError(f"launched with {launched_ranks()} ranks, but --tasks {tasks}")
    nest = import_nest()
    comm = mpi_comm() if nest.NumProcesses() > 1 else None
    if nest.NumProcesses() != tasks:
        raise ConfigError(
            f"NEST sees {nest.NumProcesses()} process(es) but {tasks} were launched: "
            "this NEST is built without MPI; run with tasks=1 and threads only"
        )
    partial = out.with_name(out.name + ".partial")
    if is_root(nest):
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        partial.mkdir(parents=True)
    if comm is not None:
        comm.Barrier()
    configure_kernel(
        nest, threads=threads, seed=k["seed"], resolution_ms=k["resolution_ms"], data_path=partial
    )
    module = install_extension(nest, spec)
    nodes = build(nest, spec)
    neurons, recorder = nodes.neurons, nodes.recorders[SPIKE_LABEL]
    simulate_with_progress(nest, float(spec["duration_ms"]), chunks)
    local = {
        "rank": nest.Rank(),
        "spikes": int(recorder.get("n_events")),
        "kernel": kernel_report(nest),
        # the node this rank ran on: SLURM's node name (several slurmd can share a host),
        # else the host name
        "node": os.environ.get("SLURMD_NODENAME") or platform.node(),
    }
    ranks = comm.gather(local, root=0) if comm is not None else [local]
    if is_root(nest):
        manifest = {
            "kind": spec["kind"],
            "model": spec["model"],
            "n_neurons": len(neurons),
            "first_node_id": int(neurons[0].global_id),
            "recorders": {k: int(v.global_id) for k, v in nodes.recorders.items()},
            "spike_label": SPIKE_LABEL,
            "ranks": tasks,
            "threads": threads,
            "virtual_processes": k["virtual_processes"],
            "spikes_per_rank": [r["spikes"] for r in ranks],
            "spikes_total": sum(r["spikes"] for r in ranks),
            "kernel_per_rank": [r["kernel"] for r in ranks],
            "node_per_rank": [r["node"] for r in ranks],
            "provenance": provenance(
                spec["config"], k["seed"], k["virtual_processes"], nest.__version__
            ),
        }
        if module is not None:
            manifest["extension"] = module
        write_json(partial / "manifest.json", manifest)
        partial.rename(out)
    if comm is not None:
        comm.Barrier()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m condrate.simulate", description=__doc__)
    parser.add_argument("spec", type=Path, help="spec JSON written by the workflow")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--tasks", type=int, required=True, help="MPI ranks launched")
    parser.add_argument("--threads", type=int, required=True, help="threads per rank")
    parser.add_argument("--progress-chunks", type=int, default=PROGRESS_CHUNKS,
                        help="progress lines on rank 0 (1: one nest.Run)")
    args = parser.parse_args(argv)
    try:
        run(read_json(args.spec), args.out, args.tasks, args.threads, args.progress_chunks)
    except ConfigError as err:
        sys.stderr.write(f"condrate.simulate: {err}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
