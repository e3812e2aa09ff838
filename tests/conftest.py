import os
import sys
from pathlib import Path

import mpi4py
import pytest
import yaml

# Elephant imports mpi4py; initialising MPI in the pytest process would put PMIx
# variables into the environment that every mpirun started from the tests inherits,
# and those runs then fail silently. MPI belongs to the simulations only.
mpi4py.rc.initialize = False
mpi4py.rc.finalize = False

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
PYTHON = sys.executable

os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
os.environ.setdefault("PYNEST_QUIET", "1")


def load_yaml(path):
    with open(path) as fh:
        return yaml.safe_load(fh)


@pytest.fixture
def tiny_config():
    return load_yaml(ROOT / "config" / "tiny.yaml")


@pytest.fixture
def default_config():
    return load_yaml(ROOT / "config" / "config.yaml")


@pytest.fixture(scope="session")
def nest_params():
    from condrate import nestinfo

    return nestinfo.probe()["params"]
