"""What every result records about how it was made."""

from __future__ import annotations

import platform

from .. import __version__


def provenance(config: dict, seed: int, virtual_processes: int, nest_version: str) -> dict:
    """Provenance block: config, seed, VP count and software versions.

    Deliberately free of host names, dates and rank/thread splits, so that a rerun
    with the same seed and VP count writes the same bytes.
    """
    import numpy
    import scipy

    return {
        "condrate_version": __version__,
        "nest_version": nest_version,
        "python_version": platform.python_version(),
        "numpy_version": numpy.__version__,
        "scipy_version": scipy.__version__,
        "seed": int(seed),
        "virtual_processes": int(virtual_processes),
        "config": config,
    }
