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

SIMULATION_RULES = ("simulate_fi", "simulate_network", "simulate_openloop")


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

if os.geteuid() == 0:  # OpenMPI refuses root without these
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")


SHARED_KEYS = ("models_dir", "model_params", "glif_mechanism", "nest")


def stage_config(*sections):
    """The part of the config a stage reads: a change elsewhere does not rerun it."""
    return {k: config[k] for k in SHARED_KEYS + sections if k in config}


def fi_config(wildcards):
    return stage_config("fi")


def network_config(wildcards):
    return stage_config("network")


def theory_config(wildcards):
    return stage_config("network", "theory")


def model_file(wildcards):
    return ROOT / config["models_dir"] / f"{wildcards.model}.yaml"


STAGES = config.get("stages", ["fi", "network", "theory"])
NETWORK_MODELS = (
    config["network"].get("models", config["models"])
    if "network" in config and "network" in STAGES
    else []
)
RUNS = sweep_runs(config) if "network" in config else {}
SWEEP_FIGURES = ("ext_sweep", "step_response", "k_scaling")


def network_file(wildcards):
    return ROOT / config["models_dir"] / f"{config['network']['parameters']}.yaml"


def _run_files(wildcards, kind, name):
    return [f"results/network/{wildcards.model}/{run}/{name}" for run in RUNS[kind]]


def ext_stats(wildcards):
    return _run_files(wildcards, "ext", "stats.json")


def k_stats(wildcards):
    return _run_files(wildcards, "K", "stats.json")


def base_spec(wildcards):
    return _run_files(wildcards, "base", "spec.json")


def step_file(name):
    def files(wildcards):
        return _run_files(wildcards, "step", name)

    return files


def network_outputs():
    out = []
    for model in NETWORK_MODELS:
        for run in RUNS["base"]:
            out += [
                f"results/network/{model}/{run}/spikes.parquet",
                f"results/network/{model}/{run}/stats.json",
                f"results/figures/network_{model}_{run}.pdf",
            ]
        if RUNS["ext"] and RUNS["K"] and RUNS["step"]:
            out += [f"results/network/{model}/ext_sweep.csv"]
            out += [f"results/figures/{f}_{model}.pdf" for f in SWEEP_FIGURES]
        out += [f"results/figures/network_{model}_{run}.pdf" for run in RUNS["step"]]
    return out


def theory_outputs():
    if "theory" not in STAGES or "theory" not in config or not RUNS.get("ext"):
        return []
    return [
        f"results/theory/{model}/{name}"
        for model in NETWORK_MODELS
        if model in config["models"]
        for name in ("derived_params.json", "verification.csv", "summary.json")
    ]


def final_outputs():
    out = network_outputs() + theory_outputs()
    for model in config["models"] if "fi" in STAGES else []:
        out += [
            f"results/fi/{model}/fi_curves.csv",
            f"results/fi/{model}/threshold_fit.json",
            f"results/figures/fi_shift_{model}.pdf",
            f"results/figures/fi_shift_{model}.png",
        ]
    return out
