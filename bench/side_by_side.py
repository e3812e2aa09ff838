"""Independent simulations one after another or side by side, on this machine's cores.

The simulations of the default DAG that do not depend on each other: the base network
and the external-rate sweep of each model (5 runs per model). Three ways of running the
same list, measured in one run:
  serial        one at a time, 1 rank x 2 threads (VP = 2, the default);
  paired_vp1    two at a time, 1 rank x 1 thread each (VP = 1: another random
                realisation, so every result would change);
  paired_vp2    two at a time, 1 rank x 2 threads each (VP = 2, the same bytes as
                serial), OpenMP threads that sleep rather than spin while they wait
                (OMP_WAIT_POLICY=passive), so that four threads share two cores.
Reports the wall time of each, and checks that paired_vp2 wrote the same spike files as
serial. Writes bench/results/side_by_side.json.

    .venv/bin/python bench/side_by_side.py [--models iaf_cond_exp glif_cond] [--t-sim-ms 1200]

Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import filecmp
import json
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

from condrate.io import write_json  # noqa: E402
from condrate.nestrun.launch import simulate_argv  # noqa: E402
from condrate.network import experiment as network  # noqa: E402

WAYS = {  # name: (simulations at a time, threads each, extra environment)
    "serial": (1, 2, {}),
    "paired_vp1": (2, 1, {}),
    "paired_vp2": (2, 2, {"OMP_WAIT_POLICY": "passive"}),
}


def specs(config: dict, models, t_sim_ms) -> list[dict]:
    runs = ["default"] + [r for r in network.sweep_runs(config) if "ext" in r]
    out = []
    for model in models:
        for run in runs:
            spec = network.network_spec(config, model, run, ROOT)
            if t_sim_ms:
                spec["network"]["t_sim_ms"] = spec["duration_ms"] = t_sim_ms
            out.append(spec)
    return out


def run_all(specs_list, way: str, work: Path) -> float:
    at_once, threads, env_extra = WAYS[way]
    env = dict(os.environ, PYNEST_QUIET="1", **env_extra)
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


def same_spikes(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*.dat"))
    return bool(files) and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--models", nargs="+", default=["iaf_cond_exp", "glif_cond", "hh_cond_exp_traub"])
    p.add_argument("--t-sim-ms", type=float, default=None)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "side_by_side.json")
    args = p.parse_args(argv)
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    todo = specs(config, args.models, args.t_sim_ms)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        walls = {way: run_all(todo, way, work) for way in WAYS}
        identical = same_spikes(work / "serial", work / "paired_vp2")
    for way, wall in walls.items():
        print(f"{way:>11}: {wall:6.1f} s for {len(todo)} simulations "
              f"({walls['serial'] / wall:.2f}x serial)")
    print(f"paired_vp2 spikes byte-identical to serial: {identical}")
    write_json(args.out, {
        "machine": {"cpus": os.cpu_count(), "machine": platform.machine(),
                    "python": platform.python_version()},
        "simulations": [f"{s['model']}/{s['run']}" for s in todo],
        "ways": {w: {"at_once": a, "threads": t, "environment": e} for w, (a, t, e) in WAYS.items()},
        "wall_s": walls, "speedup_over_serial": {w: walls["serial"] / v for w, v in walls.items()},
        "paired_vp2_identical_to_serial": identical})


if __name__ == "__main__":
    main()
