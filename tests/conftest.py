import os
import sys
from pathlib import Path

import mpi4py
import pytest

# Elephant imports mpi4py; initialising MPI in the pytest process would put PMIx
# variables into the environment that every mpirun started from the tests inherits,
# and those runs then fail silently. MPI belongs to the simulations only.
mpi4py.rc.initialize = False
mpi4py.rc.finalize = False

sys.path.insert(0, str(Path(__file__).parent))  # tests/helpers.py

from helpers import ROOT, load_yaml, snakemake_cmd  # noqa: E402

os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
os.environ.setdefault("PYNEST_QUIET", "1")


@pytest.fixture
def tiny_config():
    return load_yaml(ROOT / "config" / "tiny.yaml")


@pytest.fixture
def default_config():
    return load_yaml(ROOT / "config" / "config.yaml")


@pytest.fixture(scope="session")
def nest_params():
    from condrate.nestrun import nestinfo

    return nestinfo.probe()["params"]


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


@pytest.fixture(scope="session")
def tiny_paper(tiny_run):
    """The tiny run's paper figures, tables and Snakemake report (results/report.html)."""
    import subprocess

    tiny = ["--configfile", str(ROOT / "config" / "tiny.yaml")]
    for args in (["all", "paper", "--cores", "2", "--resources", "vp=2"],
                 ["all", "paper", "--report", "results/report.html"]):
        proc = subprocess.run(snakemake_cmd(tiny_run, *args, *tiny), capture_output=True,
                              text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-4000:]
    return tiny_run
