"""Wall time and peak memory per stage of a finished network run (make large).

Reads what the workflow recorded for each model's base run in a working folder:
Snakemake's benchmark of every rule (wall seconds, peak RSS of the rule's process
tree, i.e. all ranks of a simulation together), and the simulation's manifest (NEST's
own build and simulate timers, connections, spikes, each rank's peak RSS). Prints a
Markdown table for docs/scaling.md and writes the numbers as JSON.

    .venv/bin/python bench/scaling.py results/presets/large large \
        [--json bench/results/scaling.json]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from condrate.io import read_json, write_json

# stage -> benchmark file under benchmarks/ ({m}: model, {r}: run); the figure rule
# keeps its benchmark beside the other figures
STAGES = {
    "spec": "network/{m}/{r}/spec.tsv",
    "simulate": "network/{m}/{r}/simulate.tsv",
    "gather": "network/{m}/{r}/gather.tsv",
    "statistics": "network/{m}/{r}/stats.tsv",
    "figure": "figures/network_{m}_{r}.tsv",
}


def read_benchmark(path: Path) -> dict:
    """Wall seconds and peak RSS (MiB) of one Snakemake benchmark file (one repeat)."""
    with open(path) as fh:
        row = next(csv.DictReader(fh, delimiter="\t"))

    def num(key):
        v = row.get(key, "NA")
        return None if v in ("NA", "-", "") else float(v)

    return {"wall_s": num("s"), "max_rss_MiB": num("max_rss")}


def model_row(work: Path, model: str, run: str) -> dict:
    """Everything recorded for one model's run."""
    folder = work / "results" / "network" / model / run
    manifest = read_json(folder / "sim" / "manifest.json")
    kernels = manifest["kernel_per_rank"]
    stats = read_json(folder / "stats.json")
    return {
        "model": model,
        "neurons": manifest["n_neurons"],
        "connections": sum(k["num_connections"] for k in kernels),
        "spikes": manifest["spikes_total"],
        "ranks": manifest["ranks"],
        "virtual_processes": manifest["virtual_processes"],
        "rate_E_Hz": stats["populations"]["E"]["rate_Hz"],
        "cv_E": stats["populations"]["E"]["cv_isi"]["mean"],
        "ai": stats["ai_state"]["asynchronous_irregular"],
        "nest_build_s": max(k["time_construction_create"] + k["time_construction_connect"]
                            for k in kernels),
        "nest_simulate_s": max(k["time_simulate"] for k in kernels),
        "rank_peak_rss_MiB": [k["peak_rss_kB"] / 1024 for k in kernels],
        "stages": {s: read_benchmark(work / "benchmarks" / p.format(m=model, r=run))
                   for s, p in STAGES.items()},
    }


def markdown(rows: list[dict]) -> str:
    """One line per model and stage: wall time and peak RSS."""
    out = ["| model | neurons / synapses / spikes | stage | wall (s) | peak RSS (MiB) |",
           "|---|---|---|---|---|"]
    for r in rows:
        size = f"{r['neurons']:,} / {r['connections']:,} / {r['spikes']:,}"
        for i, (stage, b) in enumerate(r["stages"].items()):
            rss = f"{b['max_rss_MiB']:.0f}" if b["max_rss_MiB"] is not None else "–"
            if stage == "simulate":
                rss += " (ranks: " + ", ".join(f"{x:.0f}" for x in r["rank_peak_rss_MiB"]) + ")"
                wall = (f"{b['wall_s']:.0f} (NEST: build {r['nest_build_s']:.0f}, "
                        f"simulate {r['nest_simulate_s']:.0f})")
            else:
                wall = f"{b['wall_s']:.1f}"
            out.append(f"| {r['model'] if i == 0 else ''} | {size if i == 0 else ''} | "
                       f"{stage} | {wall} | {rss} |")
    return "\n".join(out)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path, help="working folder of the run (holds results/)")
    ap.add_argument("run", help="network run name (network.name of its config)")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    args = ap.parse_args(argv)
    models = sorted(p.name for p in (args.work / "results" / "network").iterdir()
                    if (p / args.run / "stats.json").exists())
    if not models:
        sys.exit(f"scaling: no finished run '{args.run}' under {args.work}/results/network")
    rows = [model_row(args.work, m, args.run) for m in models]
    print(markdown(rows))
    if args.json:
        machine = {"cpus": os.cpu_count(), "machine": platform.machine(),
                   "memory_GiB": round(os.sysconf("SC_PAGE_SIZE")
                                       * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}
        write_json(args.json, {"machine": machine, "run": args.run, "models": rows})


if __name__ == "__main__":
    main()
