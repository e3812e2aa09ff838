"""Neurons written in NESTML: code generation and a NEST module per source, cached.

A parameter file ``models/<name>.yaml`` may name a NESTML source beside it
(``nestml: <file>.nestml``); its ``nest_model`` is the model's name in that source.
NESTML (PyPI ``nestml``, pinned in envs/requirements.txt) generates the C++ and builds
a NEST module against the NEST of this environment (its ``nest-config``, mended as for
condrate's own module: :mod:`condrate.nestrun.extension`). The module is cached under
``<venv>/lib/nestml/<source stem>-<hash>/`` by a hash of the source, NESTML's version
and that ``nest-config`` (NEST's version, compiler and flags), so a cluster, a second
run or a second model file on the same source builds once. A simulation whose model is
a NESTML model installs the module after every kernel reset, on every rank
(:func:`install`).

The workflow runs :func:`build_rule` as its own rule (``nestml_module``, with a log)
before any spec of the model: a source NESTML cannot parse fails there, with the file
and NESTML's message, before anything is simulated.

Run by hand: ``python -m condrate.nestrun.nestml models/<file>.nestml``.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path


from ..errors import ConfigError
from ..io import write_json
from ..params import read_model_file
from . import extension

NESTML_VERSION_UNKNOWN = "not installed"


def nestml_version() -> str:
    try:
        return importlib.metadata.version("nestml")
    except importlib.metadata.PackageNotFoundError:
        return NESTML_VERSION_UNKNOWN


def module_name(source: Path) -> str:
    """NEST module name of a source (NESTML wants it to end in 'module')."""
    return re.sub(r"[^A-Za-z0-9_]", "_", Path(source).stem) + "_module"


def source_hash(source: Path) -> str:
    """16 hex digits over the source text, NESTML's version and the mended nest-config."""
    digest = hashlib.sha256()
    digest.update(Path(source).read_bytes() + b"\0")
    digest.update(nestml_version().encode() + b"\0")
    digest.update(extension._nest_config_text().encode())
    return digest.hexdigest()[:16]


def module_path(stem: str, digest: str) -> Path:
    """The built module (the .so file NEST installs) of a source stem and hash, in its
    cache folder."""
    return (extension.venv_prefix() / "lib" / "nestml" / f"{stem}-{digest}"
            / f"{module_name(Path(stem))}.so")


def entry(source: Path) -> dict:
    """What a spec records to find the module: source stem and hash."""
    return {"source": Path(source).name, "stem": Path(source).stem,
            "hash": source_hash(source), "nestml_version": nestml_version()}


def _nestml_errors(text: str) -> str:
    """NESTML's error lines ("[n,model, ERROR, [line:col;line:col]]: message") from its
    output, else the output's end (a compiler or cmake failure)."""
    lines = [ln for ln in text.splitlines() if ", ERROR, " in ln or "Error occurred" in ln]
    return "\n".join(lines[-20:]) or text[-3000:]


# run in a child interpreter: argv = source, work folder, module name, NEST version
_GENERATE = """
import sys
from pynestml.frontend.pynestml_frontend import generate_nest_target
source, work, module, version = sys.argv[1:]
generate_nest_target(input_path=source, target_path=work + "/target",
                     install_path=work + "/install", module_name=module,
                     logging_level="WARNING",
                     codegen_opts={"nest_path": work + "/prefix", "nest_version": version})
"""


def build(source: Path, log=sys.stderr, force: bool = False) -> Path:
    """Generate and compile the module of ``source`` unless the one of its hash exists;
    return the .so path. A failure raises ConfigError naming the file and NESTML's
    messages."""
    source = Path(source).resolve()
    if not source.exists():
        raise ConfigError(f"{source}: no such NESTML source")
    if nestml_version() == NESTML_VERSION_UNKNOWN:
        raise ConfigError(f"{source}: NESTML is not installed here (pip install -r "
                          "envs/requirements.txt, or make setup)")
    target = module_path(source.stem, source_hash(source))
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    # one build per source at a time: two model files on one source (a variant and its
    # base) are two rules that may run together
    with open(target.parent.with_name(target.parent.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and not force:
            log.write(f"nestml: {source.name} up to date ({target})\n")
            return target
        return _build(source, target, log)


def _build(source: Path, target: Path, log) -> Path:
    target_dir = target.parent
    work = target_dir.with_name(target_dir.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    (work / "prefix" / "bin").mkdir(parents=True)
    # NESTML's builder runs cmake with <nest_path>/bin/nest-config: the mended copy
    config = work / "prefix" / "bin" / "nest-config"
    config.write_text(extension._nest_config_text())
    config.chmod(0o755)
    version = extension._nest_config(work / "prefix" / "bin", "--version").split()[-1]
    start = time.perf_counter()
    # NESTML in a child process: it prints its messages (parse errors with line and
    # column) rather than raising, and it imports NEST, which this process must not
    proc = subprocess.run(
        [sys.executable, "-c", _GENERATE, str(source), str(work), module_name(source),
         f"v{version}"], capture_output=True, text=True, check=False)
    log.write(proc.stdout + proc.stderr)
    errors = _nestml_errors(proc.stdout + proc.stderr)
    built = sorted((work / "install").rglob(f"{module_name(source)}.so"))
    if proc.returncode != 0 or not built:
        shutil.rmtree(work, ignore_errors=True)  # nothing half-built stays in the cache
        raise ConfigError(f"{source}: NESTML could not generate or build the NEST module:\n"
                          f"  " + "\n  ".join(errors.splitlines()))
    shutil.copyfile(built[0], work / target.name)
    shutil.rmtree(work / "target")
    shutil.rmtree(work / "install")
    shutil.rmtree(target_dir, ignore_errors=True)
    work.rename(target_dir)
    log.write(f"nestml: built {target} in {time.perf_counter() - start:.1f} s\n")
    return target


def install(nest, entry: dict) -> str:
    """Load the module of a spec's ``nestml`` entry into a freshly reset kernel."""
    path = module_path(entry["stem"], entry["hash"])
    if not path.exists():
        raise ConfigError(f"the NESTML module of {entry['source']} (hash {entry['hash']}) is "
                          f"not built here ({path}): the workflow's rule nestml_module builds "
                          f"it, or python -m condrate.nestrun.nestml models/{entry['source']}")
    nest.Install(str(path))
    return entry["hash"]


def build_rule(source: str, model_files: list, models_dir: str, module: str) -> None:
    """Rule nestml_module: build (or find) the module of ``source``, check that the NEST
    model it holds has every parameter of the model's file (``model_files``: the file
    and the files it extends), and record it."""
    from .nestinfo import probe

    start = time.perf_counter()
    path = build(Path(source))
    model_file = model_files[0]
    name = Path(model_file).stem
    raw = read_model_file(models_dir, name)
    info = probe(sys.executable, models_dir)
    known = info["params"].get(raw["nest_model"])
    if known is None:
        raise ConfigError(f"{model_file}: nest_model: {Path(source).name} holds no model "
                          f"'{raw['nest_model']}' (its `model` line names it)")
    problems = [f"{model_file}: params.{p}: {raw['nest_model']} ({Path(source).name}) has no "
                f"parameter '{p}'" for p in raw.get("params", {}) if p not in known]
    problems += [f"{model_file}: synapses.{kind}: {message}"
                 for kind, message in info["synapse_errors"].get(name, {}).items()]
    if problems:
        raise ConfigError("\n".join(problems))
    write_json(module, entry(Path(source)) | {"module": str(path),
                                              "seconds": round(time.perf_counter() - start, 1)})


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(build(Path(arg)))
