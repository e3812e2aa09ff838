"""condrate's NEST extension module: fixed-step versions of the conductance neurons.

The C++ sources are in ``src/condratemodule/`` (see ``fixed_step.h`` there for the
scheme). ``make setup`` builds them against the NEST of the virtualenv:

    .venv/bin/python -m condrate.nestrun.extension build

The module is cached under ``<venv>/lib/condratemodule/<hash>/`` by a hash of its
sources, the NEST version and the compiler flags, so a second set-up finds it and
returns at once; a changed source builds a new one. A simulation whose spec selects a
fixed-step model installs it after every kernel reset (:func:`install`).

Why a hand-written build rather than NEST's CMake template: the module is four C++
files and needs only ``nest-config``'s flags; but the ``nest-config`` that pip's sdist
build installs still carries the deleted temporary build prefix, so a mended copy
(prefix replaced by the installed package folder) is written first.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from ..errors import ConfigError

MODULE = "condratemodule"
SOURCES = Path(__file__).resolve().parents[2] / MODULE


def venv_prefix() -> Path:
    return Path(sys.prefix)


def _nest_config_text(prefix: Path = None) -> str:
    """NEST's ``nest-config`` script: the virtualenv's (its build-time prefix, which pip's
    temporary build folder left behind, replaced by the installed package), else the
    one on PATH (e.g. a site's NEST module), as it is."""
    prefix = prefix or venv_prefix()
    original = prefix / "bin" / "nest-config"
    if not original.exists():
        found = shutil.which("nest-config")
        if found is None:
            raise ConfigError(f"no nest-config in {prefix / 'bin'} or on PATH: NEST is not "
                              "installed here (run make setup)")
        original = Path(found)
    text = original.read_text()
    old = next(line.split("=", 1)[1].strip('"') for line in text.splitlines()
               if line.startswith("prefix="))
    if Path(old).exists():
        return text
    # where NEST's Python package is installed (found without importing it: importing
    # NEST initialises MPI); a site NEST seen through --system-site-packages or
    # PYTHONPATH is not in this environment's own site-packages
    spec = importlib.util.find_spec("nest")
    package = (Path(spec.submodule_search_locations[0]) if spec is not None
               else Path(sysconfig.get_paths()["platlib"]) / "nest")
    return text.replace(old, str(package))


def _nest_config(work: Path, *options: str) -> str:
    script = work / "nest-config"
    if not script.exists():
        script.write_text(_nest_config_text())
        script.chmod(0o755)
    out = subprocess.run([str(script), *options], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _sources() -> list[Path]:
    return sorted(p for p in SOURCES.iterdir() if p.suffix in (".cpp", ".h"))


def source_hash() -> str:
    """Hash (16 hex digits) of the module's sources and of the mended nest-config, which
    holds NEST's version, compiler, flags and include folders."""
    digest = hashlib.sha256()
    for path in _sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(_nest_config_text().encode())
    return digest.hexdigest()[:16]


def module_path() -> Path:
    """Where the module built from the present sources lives (it may not exist yet)."""
    return venv_prefix() / "lib" / MODULE / source_hash() / f"{MODULE}.so"


def is_built() -> bool:
    try:
        return module_path().exists()
    except ConfigError:
        return False


def build(force: bool = False, log=sys.stderr) -> Path:
    """Compile the module unless the one for these sources exists; return its path."""
    target = module_path()
    if target.exists() and not force:
        log.write(f"{MODULE}: up to date ({target})\n")
        return target
    work = target.parent.with_name(target.parent.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    compiler = _nest_config(work, "--compiler")
    flags = _nest_config(work, "--cflags").split() + _nest_config(work, "--includes").split()
    objects = []
    procs = []
    for src in _sources():
        if src.suffix != ".cpp":
            continue
        obj = work / (src.stem + ".o")
        objects.append(obj)
        procs.append(subprocess.Popen([compiler, *flags, "-fPIC", "-c", str(src), "-o", str(obj)]))
    if any(p.wait() != 0 for p in procs):
        raise RuntimeError(f"{MODULE}: compilation failed (see the compiler's messages above)")
    subprocess.run([compiler, "-shared", "-fopenmp", *map(str, objects), "-o",
                    str(work / target.name)], check=True)
    for obj in objects:
        obj.unlink()
    shutil.rmtree(target.parent, ignore_errors=True)
    work.rename(target.parent)
    log.write(f"{MODULE}: built {target}\n")
    return target


def install(nest) -> str:
    """Load the module into a freshly reset NEST kernel; return its source hash."""
    path = module_path()
    if not path.exists():
        raise ConfigError(f"{MODULE} is not built for these sources ({path}); run make setup "
                          f"or python -m condrate.nestrun.extension build")
    nest.Install(str(path))
    return path.parent.name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m condrate.nestrun.extension",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["build", "path"])
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    try:
        if args.action == "build":
            build(args.force)
        else:
            sys.stdout.write(f"{module_path()}\n")
    except (ConfigError, RuntimeError, subprocess.CalledProcessError) as err:
        sys.stderr.write(f"{MODULE}: {err}\n")
        return 2
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYNEST_QUIET", "1")
    sys.exit(main())
