"""The one MPI launch of a condrate simulation, and the VP check it must pass.

The workflow's shell rule, the tests and the benchmark all build the command here.
"""

from __future__ import annotations

import shlex
import sys

from ..errors import ConfigError

# OpenMPI's default core binding slowed NEST up to 2x here (two ranks on two cores)
MPIRUN = "mpirun --bind-to none"


def default_launcher(have_mpi: bool, mpirun_found: bool) -> str | None:
    """The launcher for this machine: mpirun where NEST has MPI, else None (one rank)."""
    return MPIRUN if have_mpi and mpirun_found else None


def simulate_argv(spec, out, tasks: int, threads: int, launcher: str | None = MPIRUN,
                  python: str = sys.executable) -> list[str]:
    """argv of one simulation: ``launcher -n tasks python -m condrate.simulate ...``.

    With tasks == 1 the launcher is left out (NEST runs as one rank with threads)."""
    cmd = [python, "-m", "condrate.simulate", str(spec), "--out", str(out),
           "--tasks", str(tasks), "--threads", str(threads)]
    if tasks > 1:
        if launcher is None:
            raise ConfigError("tasks > 1 needs NEST built with MPI and a launcher")
        cmd = shlex.split(launcher) + ["-n", str(tasks)] + cmd
    return cmd


def check_vp(tasks: int, threads: int, virtual_processes: int) -> None:
    """Stop when the launch does not give the configured number of VPs.

    NEST guarantees identical results only for an identical VP count.
    """
    if tasks * threads != virtual_processes:
        raise ConfigError(
            f"launch gives {tasks} ranks x {threads} threads = {tasks * threads} virtual "
            f"processes, but nest.virtual_processes = {virtual_processes}; NEST reproduces "
            "results only for the same VP count. Set --set-resources simulate:tasks=N and "
            "--set-threads simulate=T so that N x T matches, or change nest.virtual_processes."
        )
