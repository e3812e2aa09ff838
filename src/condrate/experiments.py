"""The registry of simulated experiments (see condrate.protocol), and the two steps
every experiment shares: writing its spec and gathering its spikes.

Adding an experiment: one module with an ``EXPERIMENT`` record, one line below
("module" or "module:NAME" for a module that holds several records).
Modules are imported when asked for, so that the MPI job imports only its own.
"""

from __future__ import annotations

import re
from importlib import import_module

from .errors import ConfigError
from .io import write_json
from .protocol import Experiment

MODULES = {
    "fi": "condrate.fi.experiment",
    "network": "condrate.network.experiment",
    "openloop": "condrate.theory.openloop",
    "calibration": "condrate.theory.openloop:CALIBRATION",
    "calibration_inhibitory": "condrate.theory.openloop:CALIBRATION_INHIBITORY",
    "feedback": "condrate.theory.feedback",
    "selfconsistent": "condrate.theory.selfconsistent",
    "map_point": "condrate.map.experiment:POINT",
    "map_selfconsistent": "condrate.map.experiment:ITERATED",
    "adapted_fi": "condrate.adaptation.experiment",
    "adapted_step": "condrate.adaptation.experiment:STEP",
}


def get(kind: str) -> Experiment:
    """The experiment of a spec's kind (imports its module)."""
    if kind not in MODULES:
        raise ConfigError(f"spec kind '{kind}' is not one of {sorted(MODULES)}")
    module, _, name = MODULES[kind].partition(":")
    return getattr(import_module(module), name or "EXPERIMENT")


def registry() -> dict[str, Experiment]:
    """Every registered experiment by kind."""
    return {kind: get(kind) for kind in MODULES}


def path_regex(exp: Experiment) -> str:
    """Regular expression of the experiment's results folder, wildcards as named groups."""
    out = re.escape(exp.path)
    for name in re.findall(r"\\\{(\w+)\\\}", out):
        out = out.replace(f"\\{{{name}\\}}", f"(?P<{name}>[^/]+)")
    return out


def match_path(path: str) -> tuple[Experiment, dict]:
    """The experiment whose results folder is ``path`` (below results/), and the
    wildcard values in it (model, run)."""
    for exp in registry().values():
        m = re.fullmatch(path_regex(exp), path)
        if m:
            return exp, m.groupdict()
    raise ConfigError(f"results/{path}: not the folder of any experiment "
                      f"({', '.join(e.path for e in registry().values())})")


def extra_inputs(exp: Experiment, names: dict) -> dict:
    """The experiment's extra input files for the wildcard values ``names`` (model,
    network, and its own wildcards): Experiment.inputs formatted, or called."""
    if callable(exp.inputs):
        return exp.inputs(names)
    return {k: v.format(**names) for k, v in exp.inputs.items()}


def write_spec(path: str, config: dict, root, spec, model_file, network_file=None,
               **inputs) -> None:
    """Write the spec of the experiment whose results folder is ``path``.

    model_file, network_file: the parameter files (inputs of the rule, so that a change
    reruns it; the spec reads them through the config; so are the files a variant
    extends, base_model_files, and a two-model network's I model,
    inhibitory_model_files); inputs: the experiment's own extra files
    (Experiment.inputs), passed on by name."""
    inputs.pop("nestml_module", None)  # an order-only input: the spec finds it by hash
    inputs.pop("base_model_files", None)
    inputs.pop("inhibitory_model_files", None)  # a two-model network's I model (read via the config)
    exp, wildcards = match_path(path)
    model = wildcards.pop("model")
    write_json(spec, exp.spec(dict(config), model, root=root, **wildcards, **inputs))


def gather_spikes(sim, spikes) -> dict:
    """Merge a run's per-VP spike files into one checked, sorted table."""
    from .nestrun.spikes import gather

    return gather(sim, spikes)
