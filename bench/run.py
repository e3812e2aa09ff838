"""Benchmarks of the network stage, measured in one run and printed as ratios.

For each model's default network (config/config.yaml): wall time per simulated
second at 1x1, 1x2 and 2x1 ranks x threads (NEST's own time_simulate beside it),
gather throughput (spikes/s), and gather + statistics time as a fraction of the
simulation's wall time (goal: at most 5%). Writes bench/results/network.json.

    .venv/bin/python bench/run.py [--models iaf_cond_exp ...] [--t-sim-ms 1200]

Run it on an otherwise idle machine: NEST's OpenMP threads spin when a core is busy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from condrate.criteria import inhibitory_indegree  # noqa: E402
from condrate.experiments import gather_spikes  # noqa: E402
from condrate.io import read_json, write_json  # noqa: E402
from condrate.nestrun.launch import simulate_argv  # noqa: E402
from condrate.nestrun.spikes import read_state  # noqa: E402
from condrate.network import experiment as network  # noqa: E402
from condrate.network.stage import network_stats  # noqa: E402
from condrate.spiketrains import SpikeTrains  # noqa: E402
from condrate.units import S_PER_MS  # noqa: E402

SPLITS = ((1, 1), (1, 2), (2, 1))
REPEATS = 3


def simulate(spec, tasks, threads, work: Path):
    work.mkdir(exist_ok=True)
    spec = dict(spec, kernel=dict(spec["kernel"], virtual_processes=tasks * threads))
    spec_path, out = work / f"spec{tasks}x{threads}.json", work / f"sim{tasks}x{threads}"
    write_json(spec_path, spec)
    cmd = simulate_argv(spec_path, out, tasks, threads)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    return spec, out, wall, read_json(out / "manifest.json")


def minimal_wall(spec, threads, work: Path) -> float:
    """Wall time (s) of bench/minimal_network.py on the same spec (no condrate)."""
    spec_path = work / "minimal_spec.json"
    write_json(spec_path, spec)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "minimal_network.py"), str(spec_path),
                    str(threads)], check=True, capture_output=True)
    return time.perf_counter() - t0


def memory_costs(config, model, work: Path) -> dict:
    """Peak RSS of three networks differing in N and K, solved for
    RSS = base + a N + b synapses (kB, kB/neuron, kB/synapse); 1 rank x 2 threads, 200 ms."""
    import numpy as np

    rows = []
    for n_e, k_e in ((4000, 400), (2000, 400), (4000, 200)):
        cfg = json.loads(json.dumps(config))
        cfg["network"].update(N_E=n_e, N_I=n_e // 4, K_E=k_e, K_I=inhibitory_indegree(k_e), K_ext=k_e,
                              t_sim_ms=200.0, t_warmup_ms=100.0)
        spec = network.network_spec(cfg, model, cfg["network"]["name"], ROOT)
        sub = work / f"mem{n_e}_{k_e}"
        sub.mkdir()
        _, _, _, manifest = simulate(spec, 1, 2, sub)
        k = manifest["kernel_per_rank"][0]
        rows.append((n_e * 5 // 4, k["num_connections"], k["peak_rss_kB"]))
    A = np.array([[1.0, n, s] for n, s, _ in rows])
    base, per_neuron, per_syn = np.linalg.solve(A, np.array([r for *_, r in rows], float))
    return {"runs": [{"neurons": n, "connections": s, "peak_rss_kB": r} for n, s, r in rows],
            "base_kB": base, "kB_per_neuron": per_neuron, "bytes_per_synapse": per_syn * 1024}


def bench_model(config, model, work: Path) -> dict:
    spec = network.network_spec(config, model, config["network"]["name"], ROOT)
    t_sim_s = spec["network"]["t_sim_ms"] * S_PER_MS
    out = {"model": model, "neurons": spec["network"]["N_E"] + spec["network"]["N_I"],
           "t_sim_s": t_sim_s, "splits": {}}
    for tasks, threads in SPLITS:
        s, sim, wall, manifest = simulate(spec, tasks, threads, work)
        k = manifest["kernel_per_rank"][0]
        out["splits"][f"{tasks}x{threads}"] = {
            "wall_s_per_sim_s": wall / t_sim_s,
            "nest_simulate_s_per_sim_s": k["time_simulate"] / t_sim_s,
            "nest_build_s": k["time_construction_create"] + k["time_construction_connect"],
            "spikes": manifest["spikes_total"],
            "peak_rss_kB_per_rank": [r.get("peak_rss_kB") for r in manifest["kernel_per_rank"]],
            "connections": sum(r["num_connections"] for r in manifest["kernel_per_rank"]),
        }
        if (tasks, threads) == (1, 2):
            ref = (s, sim, wall, manifest)
    s, sim, wall, manifest = ref
    # the overhead goal (<= 5%) is smaller than this VM's run-to-run noise: alternate
    # three runs of each and compare the fastest
    pipe, mini = [wall], []
    for _ in range(REPEATS):
        mini.append(minimal_wall(s, 2, work))
        if len(pipe) < REPEATS:
            pipe.append(simulate(s, 1, 2, work / "rep")[2])
    out["minimal_pynest_wall_s"] = min(mini)
    out["pipeline_simulate_wall_s"] = min(pipe)
    out["pipeline_simulate_overhead"] = min(pipe) / min(mini) - 1
    t0 = time.perf_counter()
    gather_spikes(sim, work / "spikes.parquet")
    t_gather = time.perf_counter() - t0
    t0 = time.perf_counter()
    network_stats(s, SpikeTrains.read(work / "spikes.parquet"), read_state(sim))
    t_stats = time.perf_counter() - t0
    out["gather_spikes_per_s"] = manifest["spikes_total"] / t_gather
    out["gather_s"], out["stats_s"], out["simulate_wall_s"] = t_gather, t_stats, wall
    out["gather_stats_fraction_of_simulate"] = (t_gather + t_stats) / wall
    out["speedup_1x2_over_1x1"] = (out["splits"]["1x1"]["wall_s_per_sim_s"]
                                   / out["splits"]["1x2"]["wall_s_per_sim_s"])
    out["speedup_2x1_over_1x1"] = (out["splits"]["1x1"]["wall_s_per_sim_s"]
                                   / out["splits"]["2x1"]["wall_s_per_sim_s"])
    return out


def plot(results: list, path: Path) -> None:
    """Bar chart: wall seconds per simulated second per model and launch (the panel of
    the paper's benchmark figure, at one-column width)."""
    from condrate.paper.figures import draw_bench_walltime
    from condrate.plotstyle import MM, SINGLE, STYLE, plt, save

    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(SINGLE, 60 * MM), layout="constrained")
        draw_bench_walltime(ax, results, [f"{t}x{h}" for t, h in SPLITS])
        ax.set_title(f"{results[0]['neurons']} neurons, 2-core VM")
    save(fig, path.with_suffix(".pdf"), path.with_suffix(".png"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--models", nargs="+", default=None)
    p.add_argument("--t-sim-ms", type=float, default=None)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "network.json")
    p.add_argument("--plot-only", action="store_true", help="redraw the plot from --out")
    args = p.parse_args(argv)
    if args.plot_only:
        plot(read_json(args.out)["results"], args.out.with_suffix(""))
        return
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    config = yaml.safe_load(open(ROOT / "config" / "config.yaml"))
    if args.t_sim_ms:
        config["network"]["t_sim_ms"] = args.t_sim_ms
    models = args.models or config["models"]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            work = Path(tmp) / model
            work.mkdir()
            results.append(bench_model(config, model, work))
        mem_work = Path(tmp) / "memory"
        mem_work.mkdir()
        memory = memory_costs(config, models[0], mem_work)
    machine = {"cpus": os.cpu_count(), "machine": platform.machine(),
               "processor": platform.processor() or platform.machine(),
               "python": platform.python_version()}
    write_json(args.out, {"machine": machine, "results": results, "memory": memory})
    plot(results, args.out.with_suffix(""))
    print(f"machine: {machine['cpus']} cores {machine['machine']}")
    print(f"{'model':20s} {'N':>6s} {'1x1':>7s} {'1x2':>7s} {'2x1':>7s}"
          f" {'gather Mspk/s':>14s} {'(gather+stats)/sim':>19s} {'vs minimal PyNEST':>18s}")
    for r in results:
        sp = r["splits"]
        print(f"{r['model']:20s} {r['neurons']:6d} {sp['1x1']['wall_s_per_sim_s']:7.2f} "
              f"{sp['1x2']['wall_s_per_sim_s']:7.2f} {sp['2x1']['wall_s_per_sim_s']:7.2f}"
              f" {r['gather_spikes_per_s'] / 1e6:14.2f}"
              f" {100 * r['gather_stats_fraction_of_simulate']:18.1f}%"
              f" {100 * r['pipeline_simulate_overhead']:+17.1f}%")
    print("(columns 1x1..2x1: wall seconds per simulated second, ranks x threads)")
    print(f"memory ({models[0]}): {memory['kB_per_neuron']:.2f} kB/neuron, "
          f"{memory['bytes_per_synapse']:.1f} B/synapse, base {memory['base_kB'] / 1024:.0f} MB")


if __name__ == "__main__":
    main()
