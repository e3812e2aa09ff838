# Config validation (before any rule runs), the NEST probe and launch settings.
import os
import shutil
import sys
from pathlib import Path

from condrate import nestinfo
from condrate.network import sweep_runs
from condrate.config import check_vp, validate
from condrate.errors import ConfigError

ROOT = Path(workflow.basedir)
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
PYTHON = sys.executable


def fail(message):
    sys.stderr.write(f"condrate: {message}\n")
    sys.exit(2)


try:
    NEST = nestinfo.probe(PYTHON)
except RuntimeError as err:
    fail(str(err))

try:
    validate(config, SCHEMA, nest_params=NEST["params"], root=ROOT)
except ConfigError as err:
    fail(str(err))

VP = config["nest"]["virtual_processes"]
TASKS = config["parallel"]["tasks"]
THREADS = config["parallel"]["threads"]

SIMULATION_RULES = (
    "simulate_fi",
    "simulate_network",
    "simulate_openloop",
    "simulate_feedback",
)


def effective_launch(name):
    """(tasks, threads) of a simulation rule after --set-resources / --set-threads."""
    tasks, threads = TASKS, THREADS
    try:  # Snakemake's parsed overrides; the simulation re-checks at run time anyway
        rs = workflow.resource_settings
        if name in rs._parsed_overwrite_threads:
            threads = int(rs._parsed_overwrite_threads[name].value)
        if name in rs._parsed_overwrite_resources:
            value = rs._parsed_overwrite_resources[name].get("tasks").value
            tasks = TASKS if value is None else int(value)
    except (AttributeError, ValueError, TypeError):
        pass
    return tasks, threads


for _sim in SIMULATION_RULES:
    try:
        check_vp(*effective_launch(_sim), VP)
    except ConfigError as err:
        fail(f"{_sim}: {err}")

if config["parallel"].get("mpi"):
    MPI = config["parallel"]["mpi"]
elif NEST["have_mpi"] and shutil.which("mpirun"):
    # binding off: OpenMPI's default core binding slowed NEST up to 2x here
    MPI = "mpirun --bind-to none"
else:
    if any(effective_launch(s)[0] > 1 for s in SIMULATION_RULES):
        fail("tasks > 1 needs NEST built with MPI; this NEST has none: use tasks=1")
    sys.stderr.write(
        f"condrate: NEST {NEST['nest_version']} has no MPI; simulations run as one "
        "rank with threads only\n"
    )
    MPI = str(ROOT / "workflow" / "scripts" / "serial_launch.sh")

# the MPI launch shared by every simulation rule; a failed run leaves no partial folder
SIMULATE = (
    "{resources.mpi} -n {resources.tasks} {params.python} -m condrate.simulate"
    " {input.spec} --out {output.sim} --tasks {resources.tasks} --threads {threads}"
    " > {log} 2>&1 || {{ rm -rf {output.sim}.partial; exit 1; }}"
)

if os.geteuid() == 0:  # OpenMPI refuses root without these
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
