"""Ask NEST what it is: version, MPI support and each model's parameter names.

Run as ``python -m condrate.nestrun.nestinfo`` in a subprocess (the workflow does this once
while it validates the config), so that the Snakemake process itself never
initialises MPI by importing an MPI-enabled NEST.
"""

from __future__ import annotations

import json
import subprocess
import sys

from ..params import FIXED_STEP_MODELS, MODELS
from . import extension


def query(models=MODELS) -> dict:
    """NEST's version, MPI support and the parameter names of NEST's models and, where
    condrate's module is built, of its fixed-step models (``extension``: its source hash,
    or None when it is not built)."""
    import nest

    nest.verbosity = nest.VerbosityLevel.ERROR
    names = list(models)
    built = None
    if extension.is_built():
        built = extension.install(nest)
        names += [FIXED_STEP_MODELS[m] for m in models if m in FIXED_STEP_MODELS]
    return {
        "nest_version": nest.__version__,
        "have_mpi": bool(nest.build_info["have_mpi"]),
        "params": {m: sorted(nest.GetDefaults(m)) for m in names},
        "extension": built,
    }


def probe(python=sys.executable) -> dict:
    """Run :func:`query` in a fresh interpreter and return its answer."""
    proc = subprocess.run(
        [python, "-m", "condrate.nestrun.nestinfo"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"could not import NEST with {python}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    info = query()
    sys.stdout.write(json.dumps(info) + "\n")
