"""The experiment protocol: what a simulated experiment provides.

Every experiment that runs NEST is one module with one ``EXPERIMENT`` record:

* ``spec(config, model, root, **inputs)`` -> the JSON spec the MPI job reads
  (everything the build needs, plus "kernel", "duration_ms" and "config");
* ``build(nest, model, spec)`` -> :class:`Nodes`, the create and connect phases.

What an experiment's spikes mean is measured by the analysis rules of its stage (their
entry points in ``<stage>/stage.py``), which call the stage's own functions.

``path`` is its results folder below ``results/`` (``{model}``, and ``{run}`` for
network runs); spec.json, sim/ and spikes.parquet live there, made by the same three
workflow rules for every experiment. ``sections`` are the config sections its spec
reads (a change elsewhere does not rerun it) and ``inputs`` the extra files its spec
needs, as workflow paths with ``{model}`` (and ``{network}``, the config's base
network run), or a function of those wildcard values that returns them (an
experiment whose inputs depend on its own wildcards, e.g. the generation before).
condrate.experiments lists the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable


@dataclass
class Nodes:
    """What a build returns: the neurons (one contiguous block of node ids) and the
    recorders keyed by the label their ascii files carry (spikes first)."""

    neurons: object
    recorders: dict


@dataclass(frozen=True)
class Experiment:
    kind: str
    path: str
    sections: tuple
    spec: Callable
    build: Callable
    inputs: dict | Callable = field(default_factory=dict)
