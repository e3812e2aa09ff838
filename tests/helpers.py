"""What several test modules need: paths, the Snakemake command line and one NEST run.

Not a test file: test modules import from here, never from each other."""

import subprocess
import sys
from pathlib import Path

import yaml

from condrate.experiments import gather_spikes
from condrate.io import write_json
from condrate.nestrun.launch import simulate_argv

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
PYTHON = sys.executable


def load_yaml(path):
    with open(path) as fh:
        return yaml.safe_load(fh)


def snakemake_cmd(workdir, *args):
    """The Snakemake command line on this repository's workflow, run in ``workdir``."""
    return [PYTHON, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory",
            str(workdir), *args]


def simulate(tmp_path, spec, tasks=1, threads=2, name="sim"):
    """Run one spec as the workflow does (mpirun for tasks > 1); (spec path, sim folder)."""
    spec_path = tmp_path / f"{name}.json"
    write_json(spec_path, spec)
    out = tmp_path / name
    proc = subprocess.run(simulate_argv(spec_path, out, tasks, threads), capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return spec_path, out


def simulate_and_gather(tmp_path, spec, tasks=1, threads=2, name="sim"):
    """simulate, then gather: (spec path, sim folder, spikes.parquet path)."""
    spec_path, sim = simulate(tmp_path, spec, tasks, threads, name)
    spikes = tmp_path / f"{name}.parquet"
    gather_spikes(sim, spikes)
    return spec_path, sim, spikes
