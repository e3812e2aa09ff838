"""The registry of simulated experiments (see condrate.protocol), and the two steps
every experiment shares: writing its spec and gathering its spikes.

Adding an experiment: one module with an ``EXPERIMENT`` record, one line below.
"""

from __future__ import annotations

import re

from .errors import ConfigError
from .fi import experiment as fi
from .io import write_json
from .nestrun.spikes import gather
from .network import experiment as network
from .protocol import Experiment
from .theory import feedback, openloop

EXPERIMENTS: dict[str, Experiment] = {
    e.kind: e for e in (fi.EXPERIMENT, network.EXPERIMENT, openloop.EXPERIMENT,
                        feedback.EXPERIMENT)
}


def get(kind: str) -> Experiment:
    if kind not in EXPERIMENTS:
        raise ConfigError(f"spec kind '{kind}' is not one of {sorted(EXPERIMENTS)}")
    return EXPERIMENTS[kind]


def path_regex(exp: Experiment) -> str:
    """Regular expression of the experiment's results folder, wildcards as named groups."""
    out = re.escape(exp.path)
    for name in re.findall(r"\\\{(\w+)\\\}", out):
        out = out.replace(f"\\{{{name}\\}}", f"(?P<{name}>[^/]+)")
    return out


def match_path(path: str) -> tuple[Experiment, dict]:
    """The experiment whose results folder is ``path`` (below results/), and the
    wildcard values in it (model, run)."""
    for exp in EXPERIMENTS.values():
        m = re.fullmatch(path_regex(exp), path)
        if m:
            return exp, m.groupdict()
    raise ConfigError(f"results/{path}: not the folder of any experiment "
                      f"({', '.join(e.path for e in EXPERIMENTS.values())})")


def write_spec(path: str, config: dict, root, spec, model_file, network_file=None,
               **inputs) -> None:
    """Write the spec of the experiment whose results folder is ``path``.

    model_file, network_file: the parameter files (inputs of the rule, so that a change
    reruns it; the spec reads them through the config); inputs: the experiment's own
    extra files (Experiment.inputs), passed on by name."""
    exp, wildcards = match_path(path)
    model = wildcards.pop("model")
    write_json(spec, exp.spec(dict(config), model, root=root, **wildcards, **inputs))


def gather_spikes(sim, spikes) -> dict:
    """Merge a run's per-VP spike files into one checked, sorted table."""
    return gather(sim, spikes)
