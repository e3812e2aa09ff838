"""Set-up where users are: the system step as an unprivileged user (packages present: it
goes on; one missing: it names it and how to get it; SKIP_SYSTEM=1: skipped), and a
fresh clone set up and run by an unprivileged user with SKIP_SYSTEM=1 on a site NEST
(this checkout's NEST seen through PYTHONPATH, as a cluster module provides it): no apt,
no NEST build, condrate's module built against that NEST, the f–I stage run.

These tests add a user (condrate-test) to the machine: like the SLURM tier they run when
CI=true or when asked (CONDRATE_TEST_USER=1), and are reported as skipped otherwise."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

USER = "condrate-test"
needs_root = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("useradd") is None,
                                reason="needs root (and useradd) to make an unprivileged user")
adds_user = pytest.mark.skipif(
    not (os.environ.get("CI") == "true" or os.environ.get("CONDRATE_TEST_USER") == "1"),
    reason="adds a user to this machine: runs with CI=true or CONDRATE_TEST_USER=1")


@pytest.fixture(scope="module")
def user():
    """An unprivileged user without sudo."""
    if subprocess.run(["id", USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", USER], check=True)
    return USER


def as_user(user, command: str, cwd, env: dict = None, timeout=600):
    """``command`` in bash as ``user`` (runuser: no password, no sudo), with a clean
    environment plus ``env``."""
    base = {"HOME": f"/home/{user}", "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    exports = " ".join(f"{k}={v!r}" for k, v in (base | (env or {})).items())
    return subprocess.run(["runuser", "-u", user, "--", "env", "-i", "bash", "-c",
                           f"cd {str(cwd)!r} && export {exports} && {command}"],
                          capture_output=True, text=True, timeout=timeout)


def shared_dir(tmp_path) -> Path:
    work = tmp_path / "shared"
    work.mkdir()
    for p in [tmp_path, *tmp_path.parents]:
        if p == Path("/"):
            break
        p.chmod(p.stat().st_mode | 0o011)  # let the user pass through
    work.chmod(0o777)
    return work


@adds_user
@needs_root
def test_system_step_as_unprivileged_user_goes_on_when_packages_are_present(user, tmp_path):
    work = shared_dir(tmp_path)
    shutil.copytree(ROOT / "envs", work / "envs")
    proc = as_user(user, "bash envs/install-system.sh run", work)
    assert proc.returncode == 0, proc.stderr
    assert "all present" in proc.stdout


@adds_user
@needs_root
def test_system_step_without_root_names_what_is_missing_and_how(user, tmp_path):
    work = shared_dir(tmp_path)
    shutil.copytree(ROOT / "envs", work / "envs")
    with open(work / "envs" / "system-run.txt", "a") as fh:
        fh.write("condrate-no-such-package condrate-no-such-command\n")
    proc = as_user(user, "bash envs/install-system.sh run", work)
    assert proc.returncode == 1
    assert "missing system packages (run): condrate-no-such-package" in proc.stderr
    assert "apt-get install condrate-no-such-package" in proc.stderr
    assert "SKIP_SYSTEM=1" in proc.stderr
    skipped = as_user(user, "SKIP_SYSTEM=1 bash envs/install-system.sh run", work)
    assert skipped.returncode == 0 and "skipped (SKIP_SYSTEM=1)" in skipped.stdout


def test_unknown_package_set_is_refused():
    proc = subprocess.run(["bash", str(ROOT / "envs" / "install-system.sh"), "docs"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "use run or test" in proc.stderr


SMALL = """stages: [fi]
models: [iaf_cond_exp]
fi:
  delta_g_nS: [0.0, 20.0]
  duration_ms: 300.0
  warmup_ms: 100.0
  per_model:
    iaf_cond_exp: {drive_mV: {start: 12.0, stop: 24.0, num: 25}}
"""


@adds_user
@needs_root
@pytest.mark.workflow
def test_fresh_clone_runs_as_unprivileged_user_on_a_site_nest(user, tmp_path):
    """SKIP_SYSTEM=1 make run by a user without root, on a fresh clone, with a NEST
    (with MPI) already importable: the virtualenv takes it, nothing is built with pip."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    work = shared_dir(tmp_path)
    clone = work / "condrate"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # read as root before the clone is the user's (git refuses a repository of another
    # owner: "dubious ownership")
    head = subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    (clone / "small.yaml").write_text(SMALL)
    subprocess.run(["chown", "-R", f"{user}:{user}", str(work)], check=True)
    site = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" \
        / "site-packages"
    python = shutil.which(f"python{sys.version_info.major}.{sys.version_info.minor}",
                          path="/usr/bin:/usr/local/bin")
    if python is None:
        pytest.skip("no system Python of this version for the user")
    if as_user(user, f"test -r {site / 'nest' / '__init__.py'}", work).returncode != 0:
        pytest.skip(f"the user cannot read this checkout's NEST ({site}): a folder above "
                    "it is closed to other users")
    env = {"PYTHONPATH": str(site),  # what `module load nest` does
           "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/local/bin:/usr/bin:/bin",  # nest-config
           "SKIP_SYSTEM": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    proc = as_user(user, f"make run PYTHON={python} CONFIG=small.yaml 2>&1", clone, env,
                   timeout=1200)
    out = proc.stdout
    assert proc.returncode == 0, out[-4000:]
    assert "skipped (SKIP_SYSTEM=1)" in out
    assert "NEST: the site's" in out and "Building wheel for nest-simulator" not in out
    assert "apt-get" not in out
    venv_cfg = (clone / ".venv" / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = true" in venv_cfg
    fit = clone / "results" / "fi" / "iaf_cond_exp" / "threshold_fit.json"
    assert fit.exists()
    import json

    prov = json.loads(fit.read_text())["provenance"]
    assert prov["condrate_commit"] == head and prov["condrate_dirty"] is False
    assert (clone / ".venv" / ".site-nest").read_text().strip() == str(site / "nest")
