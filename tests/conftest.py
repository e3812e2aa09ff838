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


def snakemake_cmd(workdir, *args):
    """The Snakemake command line on this repository's workflow, run in ``workdir``."""
    return [PYTHON, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory",
            str(workdir), *args]


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The whole DAG of config/tiny.yaml, run locally once per session (1 rank x 2 threads)."""
    import subprocess

    work = tmp_path_factory.mktemp("tiny")
    proc = subprocess.run(
        snakemake_cmd(work, "--cores", "2", "--resources", "vp=2", "--configfile",
                      str(ROOT / "config" / "tiny.yaml")),
        capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work
