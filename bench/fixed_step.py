"""Cost per neuron per 0.1 ms step of condrate's fixed-step neurons against NEST's own
models, measured in one run and printed as ratios.

For each model pair (condrate.params.FIXED_STEP_MODELS) and three drives, N unconnected
neurons of the model's parameter file (models/<model>.yaml) run T ms on one thread;
NEST's time_simulate / (N x steps) is the cost. Drives:
  quiet    a constant current at 80 % of rheobase: no spikes, no input events (the update
           alone; GSL's controller takes its largest steps here);
  dc       a constant current firing the neuron at about 30 Hz (spikes and resets);
  poisson  the f-I stage's noisy condition at Delta_g = 20 nS (balanced excitatory and
           inhibitory Poisson conductances, quanta 1 nS) plus 1.2 x the rheobase of that
           total conductance: the input events and the generators' draws are in the
           cost, as in a network.
Each measurement is the fastest of REPEATS runs, the two models alternating. Writes
bench/results/fixed_step.json.

    .venv/bin/python bench/fixed_step.py [--neurons 2000] [--t-sim-ms 1000]

Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from condrate.fi.experiment import balanced_noise  # noqa: E402
from condrate.io import write_json  # noqa: E402
from condrate.params import fixed_step_models, load_model, nest_weight  # noqa: E402

FIXED_STEP_MODELS = fixed_step_models()

REPEATS = 3
DRIVES = ("quiet", "dc", "poisson")
# the drive's constant current per unit of the deterministic rheobase (g_L + Delta_g)
# (V_th - E_L), Delta_g the drive's mean added conductance (hh_cond_exp_traub has no fixed
# threshold: its current is set in pA)
DELTA_G_NS = {"quiet": 0.0, "dc": 0.0, "poisson": 20.0}
CURRENT = {"quiet": 0.8, "dc": 1.5, "poisson": 1.2}
HH_CURRENT_PA = {"quiet": 50.0, "dc": 250.0, "poisson": 250.0}

# one measurement in a fresh interpreter (NEST's kernel state and caches start the same)
JOB = """
import json, sys, nest
from condrate.nestrun import extension
from condrate.params import load_model, nest_weight
nest.ResetKernel()
nest.set(local_num_threads=1, resolution=0.1, print_time=False, rng_seed=1)
extension.install(nest)
a = json.loads(sys.argv[1])
model = load_model(a["models_dir"], a["model"], integrator=a["integrator"])
n = nest.Create(model.nest_model, a["neurons"], params=model.nest_params())
if model.has_I_e:
    n.I_e = a["current_pA"]
else:
    dc = nest.Create("dc_generator", params={"amplitude": a["current_pA"]})
    nest.Connect(dc, n)
for kind, rate, G in a["poisson"]:
    pg = nest.Create("poisson_generator", params={"rate": rate})
    w, r = nest_weight(model, kind, G)
    nest.Connect(pg, n, syn_spec={"weight": w, "receptor_type": r})
sr = nest.Create("spike_recorder")
nest.Connect(n, sr)
nest.Simulate(a["t_sim_ms"])
steps = a["neurons"] * a["t_sim_ms"] / nest.resolution
print(json.dumps({"ns_per_neuron_step": nest.GetKernelStatus("time_simulate") / steps * 1e9,
                  "rate_Hz": sr.n_events / a["neurons"] / a["t_sim_ms"] * 1e3}))
"""


def drive(model, name: str) -> dict:
    """Constant current (pA) and Poisson inputs [(kind, rate Hz, quantum nS)] of a drive."""
    if model.V_th_mV is None:
        current = HH_CURRENT_PA[name]
    else:
        g_total = model.g_L_nS + DELTA_G_NS[name]
        current = CURRENT[name] * g_total * (model.V_th_mV - model.E_L_mV)
    poisson = []
    if DELTA_G_NS[name]:
        noise = balanced_noise(model, DELTA_G_NS[name], {"excitatory": 1.0, "inhibitory": 1.0})
        poisson = [(k, noise[f"rate_{k}_Hz"], 1.0) for k in ("excitatory", "inhibitory")]
    return {"current_pA": current, "poisson": poisson}


def measure(model: str, integrator: str, drive_args: dict, neurons: int, t_sim_ms: float,
            models_dir=ROOT / "models"):
    args = {"models_dir": str(models_dir), "model": model, "integrator": integrator,
            "neurons": neurons, "t_sim_ms": t_sim_ms} | drive_args
    env = dict(os.environ, PYNEST_QUIET="1")
    proc = subprocess.run([sys.executable, "-c", JOB, json.dumps(args)], capture_output=True,
                          text=True, check=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_model(model: str, neurons: int, t_sim_ms: float) -> dict:
    neuron = load_model(ROOT / "models", model)
    out = {"model": model, "fixed_step_model": FIXED_STEP_MODELS[neuron.nest_model],
           "drives": {}}
    for name in DRIVES:
        args = drive(neuron, name)
        runs = {"nest": [], "fixed_step": []}
        for _ in range(REPEATS):
            for integrator in runs:
                runs[integrator].append(measure(model, integrator, args, neurons, t_sim_ms))
        best = {k: min(v, key=lambda r: r["ns_per_neuron_step"]) for k, v in runs.items()}
        out["drives"][name] = args | {
            "ns_per_neuron_step": {k: v["ns_per_neuron_step"] for k, v in best.items()},
            "rate_Hz": {k: v["rate_Hz"] for k, v in best.items()},
            "speedup": best["nest"]["ns_per_neuron_step"] / best["fixed_step"]["ns_per_neuron_step"],
        }
    return out


def table(results: list) -> str:
    """The README's table: ns per neuron-step, NEST / fixed step, and the ratio."""
    rows = ["| model (NEST / fixed step) | " + " | ".join(
        f"{d}: ns per neuron-step, ratio" for d in DRIVES) + " | rates (Hz) |",
        "|---|" + "---|" * (len(DRIVES) + 1)]
    for r in results:
        cells = []
        for name in DRIVES:
            d = r["drives"][name]
            ns = d["ns_per_neuron_step"]
            cells.append(f"{ns['nest']:.0f} / {ns['fixed_step']:.0f}, **{d['speedup']:.1f} ×**")
        rates = " · ".join(f"{r['drives'][n]['rate_Hz']['nest']:.1f} / "
                           f"{r['drives'][n]['rate_Hz']['fixed_step']:.1f}" for n in DRIVES)
        rows.append(f"| {r['model']} / {r['fixed_step_model']} | " + " | ".join(cells)
                    + f" | {rates} |")
    return "\n".join(rows)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--models", nargs="+", default=list(FIXED_STEP_MODELS))
    p.add_argument("--neurons", type=int, default=2000)
    p.add_argument("--t-sim-ms", type=float, default=1000.0)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "fixed_step.json")
    p.add_argument("--print", action="store_true", help="print the table of --out, no runs")
    args = p.parse_args(argv)
    if args.print:
        print(table(json.loads(args.out.read_text())["results"]))
        return
    results = [bench_model(m, args.neurons, args.t_sim_ms) for m in args.models]
    print(table(results))
    write_json(args.out, {
        "machine": {"cpus": os.cpu_count(), "machine": platform.machine(),
                    "processor": platform.processor(), "python": platform.python_version()},
        "neurons": args.neurons, "t_sim_ms": args.t_sim_ms, "threads": 1, "repeats": REPEATS,
        "results": results})


if __name__ == "__main__":
    main()
