"""NEST kernel settings in one place, and the one rank-0 helper.

Import order matters for an MPI build: mpi4py initialises MPI first, NEST then
finds it initialised and shares the communicator, so ranks can synchronise
around NEST without going through its internals.
"""

from __future__ import annotations

import os


def mpi_comm():
    """The MPI world communicator, or None when mpi4py or MPI is not available."""
    try:
        from mpi4py import MPI
    except ImportError:
        return None
    return MPI.COMM_WORLD


def launched_ranks() -> int:
    """Ranks the launcher started, read from the environment (mpirun, srun)."""
    for var in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"):
        if os.environ.get(var):
            return int(os.environ[var])
    return 1


def import_nest():
    """Import NEST quietly after MPI is initialised; return the module."""
    os.environ.setdefault("PYNEST_QUIET", "1")
    mpi_comm()
    import nest

    nest.verbosity = nest.VerbosityLevel.ERROR
    return nest


def is_root(nest) -> bool:
    """True on the rank that writes shared outputs (the only such check)."""
    return nest.Rank() == 0


def configure_kernel(nest, *, threads, seed, resolution_ms, data_path, data_prefix=""):
    """Reset NEST and apply every kernel setting condrate uses.

    threads: OpenMP threads per rank; seed: NEST rng_seed; resolution_ms: time step (ms);
    data_path: folder for the ascii recording backend (one file per VP).
    """
    nest.ResetKernel()
    nest.set(
        local_num_threads=int(threads),
        resolution=float(resolution_ms),
        rng_seed=int(seed),
        data_path=str(data_path),
        data_prefix=data_prefix,
        overwrite_files=True,
        print_time=False,
    )


def kernel_report(nest) -> dict:
    """NEST's own timers (s), connection and spike counts, and this rank's peak RSS (kB)."""
    import resource

    status = nest.GetKernelStatus()
    keys = (
        "time_construction_create",
        "time_construction_connect",
        "time_simulate",
        "num_connections",
        "local_spike_counter",
    )
    out = {k: status[k] for k in keys if k in status}
    # NEST 3.10's Python API has no memory query; the rank's peak resident set
    # (kB on Linux) bounds what the network needs
    out["peak_rss_kB"] = int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return out
