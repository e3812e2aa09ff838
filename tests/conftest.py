import os
import shutil
import signal
import subprocess
import sys
import time
from base64 import urlsafe_b64encode
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


@pytest.fixture(autouse=True)
def _nest_stays_out_of_pytest():
    """Fail the test that imports NEST in the pytest process: that initialises MPI here,
    and every later mpirun of the session then fails without a message."""
    yield
    assert "nest" not in sys.modules, "this test imported NEST in the pytest process; " \
        "run NEST in a subprocess (as tests/network/test_experiment.py does)"


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


def make_map(work):
    """The README's map command on the tiny config, in the working directory ``work``."""
    return ["make", "-C", str(ROOT), "map", "CONFIG=config/tiny.yaml", f"DIR={work}",
            "CORES=2"]


def _recorded(work, rel):
    """Whether Snakemake has recorded ``rel`` as finished: its metadata record exists and
    its incomplete marker is gone (.snakemake/{metadata,incomplete}/<urlsafe base64 of
    the path>, Snakemake's file persistence). A file can exist before that: a kill in
    between leaves it incomplete, and the next run redoes it."""
    key = urlsafe_b64encode(rel.encode()).decode()
    state = Path(work, ".snakemake")
    return (state / "metadata" / key).exists() and not (state / "incomplete" / key).exists()


def _first_point(work, timeout_s=600):
    """Wait for the first map point whose stats.json Snakemake has recorded; its folder."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        for stats in sorted(Path(work, "results", "map", "iaf_cond_exp").glob("g*/stats.json")):
            if _recorded(work, str(stats.relative_to(work))):
                return stats.parent
        time.sleep(0.5)
    raise AssertionError("no map point finished in time")


@pytest.fixture(scope="session")
def tiny_map(tiny_run, tmp_path_factory):
    """The tiny map in a copy of the tiny run's folder (the report tests expect the run
    without a map), SIGKILLed after its first point (the whole process group: make,
    Snakemake, the NEST job), then `make map` again. Returns (folder, the first point's
    folder, its files' mtimes before the kill, whether the kill left the lock, the second
    command's stderr)."""
    work = tmp_path_factory.mktemp("tinymap") / "run"
    shutil.copytree(tiny_run, work, symlinks=True)  # copy2 keeps the mtimes Snakemake reads
    proc = subprocess.Popen(make_map(work), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        point = _first_point(work)
        kept = {p.name: p.stat().st_mtime_ns for p in point.iterdir() if p.is_file()}
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    time.sleep(1)
    locked = any(Path(work, ".snakemake", "locks").iterdir())
    done = subprocess.run(make_map(work), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    return work, point, kept, locked, done.stderr


def slurm_tier_wanted() -> bool:
    """The SLURM tier installs slurm-wlm and munge and writes /etc/slurm: only in CI or
    when asked."""
    return os.environ.get("CI") == "true" or os.environ.get("CONDRATE_TEST_SLURM") == "1"


def pytest_collection_modifyitems(config, items):
    if slurm_tier_wanted():
        return
    skip = pytest.mark.skip(reason="SLURM tier: it installs slurm and munge and writes "
                            "/etc/slurm; runs with CI=true or CONDRATE_TEST_SLURM=1")
    for item in items:
        if "slurm" in item.keywords:
            item.add_marker(skip)
