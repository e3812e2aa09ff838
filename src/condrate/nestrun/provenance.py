"""What every result records about how it was made."""

from __future__ import annotations

import functools
import platform
import subprocess
from pathlib import Path

from .. import __version__


@functools.lru_cache(maxsize=1)
def source_revision() -> dict:
    """The git commit of condrate's source tree and whether tracked files differ from it.

    ``{"commit": None, "dirty": None}`` where the package is not a git checkout (an
    installed release): its version then says what it is. Untracked files (results,
    logs) do not count as dirty.
    """
    top = Path(__file__).resolve().parents[3]
    try:
        commit = subprocess.run(["git", "-C", str(top), "rev-parse", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(top), "status", "--porcelain",
                                 "--untracked-files=no"],
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def provenance(config: dict, seed: int, virtual_processes: int, nest_version: str) -> dict:
    """Provenance block: config, seed, VP count, software versions and the git commit.

    Deliberately free of host names, dates and rank/thread splits, so that a rerun
    with the same seed and VP count writes the same bytes.
    """
    import numpy
    import scipy

    return {
        "condrate_version": __version__,
        "condrate_commit": source_revision()["commit"],
        "condrate_dirty": source_revision()["dirty"],
        "nest_version": nest_version,
        "python_version": platform.python_version(),
        "numpy_version": numpy.__version__,
        "scipy_version": scipy.__version__,
        "seed": int(seed),
        "virtual_processes": int(virtual_processes),
        "config": config,
    }
