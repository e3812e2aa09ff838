"""Independent simulations one after another or side by side, on this machine's cores.

The simulations of the default DAG that do not depend on each other: the base network
and the external-rate sweep of each model (5 runs per model). Two ways of running the
same list on two cores, measured in one run:
  serial   one at a time, 1 rank x 2 threads (VP = 2, the default);
  paired   two at a time, 1 rank x 1 thread each (VP = 1: another random realisation
           of every network, so every result would change).
Never more threads than cores (NEST's OpenMP threads spin while they wait). Reports the
wall time of each; writes bench/results/side_by_side_<integrator>.json.

    .venv/bin/python bench/side_by_side.py [--integrator nest|fixed_step] [--models ...]

Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from condrate import fixedstep  # noqa: E402
from condrate.io import write_json  # noqa: E402
from condrate.nestrun.launch import simulate_argv  # noqa: E402
from condrate.network import experiment as network  # noqa: E402

WAYS = {"serial": (1, 2), "paired": (2, 1)}  # name: (simulations at a time, threads each)


def specs(config: dict, models, t_sim_ms, integrator: str) -> list[dict]:
    if integrator == "fixed_step":
        config = fixedstep.fixed_step_config(config, models, ROOT)
    sweeps = network.sweep_runs(config)
    runs = sorted(set(sweeps["base"] + sweeps["ext"]))
    out = []
    for model in models:
        for run in runs:
            spec = network.network_spec(config, model, run, ROOT)
            if t_sim_ms:
                spec["network"]["t_sim_ms"] = spec["duration_ms"] = t_sim_ms
            out.append(spec)
    return out


def run_all(specs_list, way: str, work: Path) -> float:
    at_once, threads = WAYS[way]
    env = dict(os.environ, PYNEST_QUIET="1")
    folder = work / way
    folder.mkdir()

    def one(k_spec):
        k, spec = k_spec
        spec = dict(spec, kernel=dict(spec["kernel"], virtual_processes=threads))
        path = folder / f"spec{k}.json"
        write_json(path, spec)
        subprocess.run(simulate_argv(path, folder / f"sim{k}", 1, threads), env=env,
                       check=True, capture_output=True)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(at_once) as pool:
        list(pool.map(one, enumerate(specs_list)))
    return time.perf_counter() - t0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--models", nargs="+", default=["iaf_cond_exp", "glif_cond", "hh_cond_exp_traub"])
    p.add_argument("--t-sim-ms", type=float, default=None)
    p.add_argument("--integrator", choices=["nest", "fixed_step"], default="nest")
    p.add_argument("--out", type=Path, default=None,
                   help="default bench/results/side_by_side_<integrator>.json")
    args = p.parse_args(argv)
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    todo = specs(config, args.models, args.t_sim_ms, args.integrator)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        walls = {way: run_all(todo, way, work) for way in WAYS}
    for way, wall in walls.items():
        print(f"{way:>11}: {wall:6.1f} s for {len(todo)} simulations "
              f"({walls['serial'] / wall:.2f}x serial)")
    out = args.out or ROOT / "bench" / "results" / f"side_by_side_{args.integrator}.json"
    write_json(out, {
        "machine": {"cpus": os.cpu_count(), "machine": platform.machine(),
                    "python": platform.python_version()},
        "integrator": args.integrator,
        "simulations": [f"{s['model']}/{s['run']}" for s in todo],
        "ways": {w: {"at_once": a, "threads": t} for w, (a, t) in WAYS.items()},
        "wall_s": walls, "speedup_over_serial": {w: walls["serial"] / v for w, v in walls.items()}})


if __name__ == "__main__":
    main()
