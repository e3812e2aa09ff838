# Config validation (before any rule runs), the NEST probe, the launch settings, and
# what the generic spec / simulate / gather rules need from the experiment registry.
import os
import re
import shutil
import sys
from pathlib import Path

from condrate import experiments
from condrate.adaptation import experiment as adaptation_experiment
from condrate.config import model_view, validate
from condrate.errors import ConfigError
from condrate.nestrun import nestinfo
from condrate.nestrun.launch import check_vp, default_launcher
from condrate.params import model_file_chain, nestml_source, neuron_models
from condrate.map.grid import map_models, map_selfconsistent_generations, point_names
from condrate.network.experiment import sweep_runs, two_model_networks

ROOT = Path(workflow.basedir)
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
PYTHON = sys.executable


def fail(message):
    sys.stderr.write(f"condrate: {message}\n")
    sys.exit(2)


try:
    NEST = nestinfo.probe(PYTHON, ROOT / config.get("models_dir", "models"))
except RuntimeError as err:
    fail(str(err))

try:
    validate(
        config,
        SCHEMA,
        nest_params=NEST["params"],
        root=ROOT,
        node_models=NEST["node_models"],
        synapse_errors=NEST["synapse_errors"],
    )
except ConfigError as err:
    fail(str(err))

# Each simulation takes its virtual processes of the `vp` resource. `make` (CORES) may set
# it; otherwise (the profile's `cores: all`, plain `snakemake --cores n`) it is the core
# count, so that the ranks x threads of the simulations running at once never exceed the
# cores.
if "vp" not in workflow.global_resources and workflow._cores is not None:
    workflow.register_resource("vp", workflow._cores)

# the models written in NESTML: {model: source}; each has its module built by rule
# nestml_module (nestml.smk) before any of its specs
NESTML_MODELS = {
    m: str(src)
    for m in config["models"]
    for src in [nestml_source(config, m, ROOT)]
    if src is not None
}

VP = config["nest"]["virtual_processes"]
TASKS = config["parallel"]["tasks"]
THREADS = config["parallel"]["threads"]

# every experiment runs through the one `simulate` rule (simulation.smk)
SIMULATION_RULES = ("simulate",)


def _value(setting):
    """A --set-threads / --set-resources value as Snakemake stores it (int or Resource)."""
    return getattr(setting, "value", setting)


def effective_launch(rule):
    """(tasks, threads) of a simulation rule after --set-resources / --set-threads
    (Snakemake's public ResourceSettings fields); the simulation checks again at run
    time."""
    settings = workflow.resource_settings
    threads = _value(settings.overwrite_threads.get(rule, THREADS))
    tasks = _value(settings.overwrite_resources.get(rule, {}).get("tasks"))
    return (TASKS if tasks is None else int(tasks)), int(threads)


for _sim in SIMULATION_RULES:
    try:
        check_vp(*effective_launch(_sim), VP)
    except ConfigError as err:
        fail(f"{_sim}: {err}")

MPI = config["parallel"].get("mpi") or default_launcher(
    NEST["have_mpi"], shutil.which("mpirun") is not None
)
if MPI is None:
    if any(effective_launch(s)[0] > 1 for s in SIMULATION_RULES):
        fail("tasks > 1 needs NEST built with MPI; this NEST has none: use tasks=1")
    sys.stderr.write(
        f"condrate: NEST {NEST['nest_version']} has no MPI; simulations run as one "
        "rank with threads only\n"
    )
    MPI = str(ROOT / "workflow" / "scripts" / "serial_launch.sh")

# the MPI launch of the simulate rule; a failed run leaves no partial folder
SIMULATE = (
    "{resources.mpi} -n {resources.tasks} {params.python} -m condrate.simulate"
    " {input.spec} --out {output.sim} --tasks {resources.tasks} --threads {threads}"
    " > {log} 2>&1 || {{ rm -rf {output.sim}.partial; exit 1; }}"
)

if os.geteuid() == 0:  # OpenMPI refuses root without these
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")

# results folders of the experiments, for the {path} wildcard of the generic rules
EXPERIMENT_PATHS = "|".join(
    re.sub(r"\(\?P<\w+>([^)]*)\)", r"\1", experiments.path_regex(e))
    for e in experiments.registry().values()
)

MODEL_NAMES = neuron_models(ROOT / config["models_dir"])  # every model of models_dir

SHARED_KEYS = ("models_dir", "model_params", "integrator", "glif_mechanism", "nest")


def stage_config(*sections):
    """The part of the config that a rule reads (a change elsewhere does not rerun it).
    Sections are top-level keys or "theory.<experiment>" (only that experiment)."""
    out = {k: config[k] for k in SHARED_KEYS if k in config}
    for section in sections:
        top, _, sub = section.partition(".")
        if sub:
            out.setdefault(top, {})[sub] = config[top][sub]
        elif top in config:
            out[top] = config[top]
    return out


def spec_config(wildcards):
    """The sections of the experiment at {path}, as its model sees them (model_view)."""
    exp, values = experiments.match_path(wildcards.path)
    model = values["model"]
    also = (
        (TWO_MODEL[model],) if model in TWO_MODEL and "network" in exp.sections else ()
    )
    return model_view(stage_config(*exp.sections), model, MODEL_NAMES, also)


def spec_inputs(wildcards):
    """The parameter files and the extra inputs of the experiment at {path}."""
    exp, values = experiments.match_path(wildcards.path)
    chain = model_file_chain(ROOT / config["models_dir"], values["model"])
    out = {"model_file": chain[0]} | (
        {"base_model_files": chain[1:]} if chain[1:] else {}
    )
    if values["model"] in NESTML_MODELS:  # its NEST module is built before its specs
        out["nestml_module"] = f"results/nestml/{values['model']}/module.json"
    if "network" in exp.sections:
        out["network_file"] = network_file(wildcards)
        if values["model"] in TWO_MODEL:  # the I population's model and its bases
            out["inhibitory_model_files"] = model_file_chain(
                ROOT / config["models_dir"], TWO_MODEL[values["model"]]
            )
    names = values | {"network": config.get("network", {}).get("name")}
    return out | experiments.extra_inputs(exp, names)
