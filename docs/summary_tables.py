"""Print the README's tables from a run's results.

    python docs/summary_tables.py [RESULTS]   (docs/generate.py writes them to docs/tables/)

The f-I fits, the base network's statistics and the balanced-state experiments; then
the rate theory: per model and experiment, the median (90th percentile) relative error of each
transfer function in the 1-50 Hz band (the headline), the number of points there,
the all-points (>= 1 Hz) median, and the open-loop error at the network's own
operating point.
"""

import csv
import json
import statistics
import sys
from pathlib import Path

from condrate.theory.predictors import PREDICTORS

FS = tuple((q.key, q.heading) for q in PREDICTORS)
EXPERIMENTS = ("open_loop", "closed_loop", "uniform_feedback")


def pct(x):
    return "–" if x is None else f"{100 * x:.0f} %"


def cell(s: dict) -> str:
    if not s:
        return "–"
    band = s["bands"]["1_50Hz"]
    if not band["n"]:
        return f"no points (all ≥ 1 Hz: {pct(s['median_rel_error'])})"
    missing = band.get("n_no_prediction", 0)
    return (f"{pct(band['median_rel_error'])} ({pct(band['p90_rel_error'])}), n = {band['n']}"
            + (f", {missing} not predicted" if missing else "")
            + f"; all ≥ 1 Hz {pct(s['median_rel_error'])}")


def theory_table(results="results") -> None:
    root = Path(results) / "theory"
    print("| model | experiment | " + " | ".join(label for _, label in FS) + " |")
    print("|---|---|" + "---|" * len(FS))
    for path in sorted(root.glob("*/summary.json")):
        summ = json.loads(path.read_text())
        for e in EXPERIMENTS:
            if e in summ:
                cells = [cell(summ[e].get(f, {})) for f, _ in FS]
                print(f"| {path.parent.name} | {e.replace('_', ' ')} | " + " | ".join(cells) + " |")
    print()
    print("| model | operating point (r_E, r_I, ν_ext) | NEST, unconnected neurons | "
          + " | ".join(label for _, label in FS) + " |")
    print("|---|---|---|" + "---|" * len(FS))
    for path in sorted(root.glob("*/summary.json")):
        ol = json.loads(path.read_text()).get("open_loop", {})
        ops = [ol.get(f, {}).get("operating_point") for f, _ in FS]
        op = next((o for o in ops if o), None)
        if op is None:
            continue
        preds = ["–" if o is None or o["predicted_Hz"] is None else f"{o['predicted_Hz']:.2f} Hz"
                 for o in ops]
        cond = op["condition"].split(";")[:3]
        print(f"| {path.parent.name} | {', '.join(c.split('=')[1] for c in cond)} Hz | "
              f"{op['simulated_Hz']:.2f} Hz | " + " | ".join(preds) + " |")


MODEL_ORDER = ("iaf_cond_exp", "glif_cond", "hh_cond_exp_traub", "aeif_cond_exp")


def models_in(folder: Path, name: str) -> list:
    """The model folders under ``folder`` that hold ``name``, in the README's order."""
    found = {p.parent.name if p.parent.parent == folder else p.parents[1].name
             for p in folder.glob(f"*/{name}")}
    return [m for m in MODEL_ORDER if m in found] + sorted(found - set(MODEL_ORDER))


def fi_table(results="results") -> None:
    """Per model and condition: the joint fit's v_theta with its 95 % t-interval, v_theta
    from the rheobase, gain, R^2 and the gain ratio at the largest added conductance."""
    root = Path(results) / "fi"
    print("| model | condition | v_θ joint fit (mV) [95 % CI] | v_θ from rheobase (mV) | "
          "β (Hz/pA) | R² | gain ratio at +40 nS |")
    print("|---|---|---|---|---|---|---|")
    for model in models_in(root, "threshold_fit.json"):
        fit = json.loads((root / model / "threshold_fit.json").read_text())
        for k, cond in enumerate(c for c in ("deterministic", "noisy") if c in fit):
            f = fit[cond]
            lo, hi = f["v_theta_ci_mV"]
            print(f"| {model if k == 0 else ''} | {cond} | {f['v_theta_mV']:.2f} [{lo:.2f}, "
                  f"{hi:.2f}] | {f['v_theta_rheobase_mV']:.2f} | {f['gain_Hz_per_pA']:.3f} | "
                  f"{f['r2']:.3f} | {f['gain_ratio'][-1]:.2f} |")


def num(x: float) -> str:
    """An integer with a typographic minus, as the README writes it."""
    return f"{x:.0f}".replace("-", "−")


def network_table(results="results", run="default") -> None:
    """Per model: the base network's rates, E statistics, input currents and AI verdict."""
    root = Path(results) / "network"
    print("| model | E rate (Hz) | I rate (Hz) | CV ISI (E) | pairwise corr. (E, 10 ms bins, "
          "1000 pairs) | χ (E, 5 ms) | Fano (E, 100 ms) | I_ex / I_in / I_total (pA, E) | AI |")
    print("|---|---|---|---|---|---|---|---|---|")
    for model in models_in(root, f"{run}/stats.json"):
        st = json.loads((root / model / run / "stats.json").read_text())
        E, I, inp = st["populations"]["E"], st["populations"]["I"], st["inputs"]["E"]
        print(f"| {model} | {E['rate_Hz']:.1f} | {I['rate_Hz']:.1f} | {E['cv_isi']['mean']:.2f} | "
              f"{E['correlation']['mean']:.4f} | {E['chi']:.3f} | {E['fano']['mean']:.2f} | "
              f"{num(inp['I_ex_pA'])} / {num(inp['I_in_pA'])} / {num(inp['I_total_pA'])} | "
              f"{'yes' if st['ai_state']['asynchronous_irregular'] else 'no'} |")


def balanced_state_table(results="results") -> None:
    """Per model: the external-rate sweep's slope (and the balance equation's), the step
    response time, tau_m and tau_eff, and the K sweep's E inputs."""
    root = Path(results) / "network"
    print("| model | rate vs ν_ext: slope E (R²) | balance-eq. slope at ⟨V_m⟩ | at V_th | "
          "step: 63 % response (ms) | τ_m (ms) | τ_eff (ms) | K 100→200→400: I_ex (pA) | "
          "I_total (pA) | s.d. of total (pA) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for model in models_in(root, "ext_sweep.json"):
        ext = json.loads((root / model / "ext_sweep.json").read_text())["E"]
        step = json.loads((root / model / "step_response.json").read_text())
        rows = [r for r in csv.DictReader(open(root / model / "k_scaling.csv"))
                if r["population"] == "E"]
        at_th = ext.get("slope_predicted_Hz_V_th")  # none without a fixed threshold
        k = {key: " → ".join(f"{float(r[key]):.0f}" for r in rows)
             for key in ("I_ex_pA", "I_total_pA", "I_total_sd_pA")}
        print(f"| {model} | {ext['slope']:.2f} ({ext['r2']:.2f}) | "
              f"{ext['slope_predicted_Hz_V_mean']:.2f} | "
              f"{'n/a' if at_th is None else f'{at_th:.2f}'} | {step['response_time_ms']:.1f} | "
              f"{step['tau_m_ms']:.1f} | {step['tau_eff_ms']:.2f} | {k['I_ex_pA']} | "
              f"{k['I_total_pA']} | {k['I_total_sd_pA']} |")


def span(values, fmt="{:.2g}") -> str:
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else f"{fmt.format(lo)}–{fmt.format(hi)}"


def diagnostics_table(results="results") -> None:
    """The closed-loop diagnostics (they take second-order statistics from NEST, so they
    are no prediction): per model over the external-rate sweep, the conductance variance
    over Campbell's Poisson variance, the network's Fano factors, f (ii) at the simulated
    rates with Poisson and with the measured variance against NEST's E rate, and the
    median error of f (ii) with the recurrent variances scaled by the measured Fano."""
    print("| model | variance / Poisson: g_ex | g_in | Fano (E, I) | f (ii) at the simulated "
          "rates: Poisson / measured variance (Hz) | NEST E (Hz) | Fano-scaled f (ii): "
          "median error |")
    print("|---|---|---|---|---|---|---|")
    root = Path(results) / "theory"
    for model in models_in(root, "summary.json"):
        d = json.loads((root / model / "summary.json").read_text())["closed_loop_diagnostics"]
        runs = d["runs"]
        var = {k: [r["conductance_variance_over_poisson"][k] for r in runs]
               for k in ("excitatory", "inhibitory")}
        fano = [r[k] for r in runs for k in ("fano_E", "fano_I")]
        at = {k: [r["f_fluct_at_simulated_rates_Hz"][k] for r in runs]
              for k in ("poisson", "measured_variance")}
        print(f"| {model} | {span(var['excitatory'])} × | {span(var['inhibitory'])} × | "
              f"{span(fano)} | {span(at['poisson'])} / {span(at['measured_variance'])} | "
              f"{span([r['simulated_Hz'][0] for r in runs])} | "
              f"{pct(d['fluct_fano_median_rel_error'])} |")


def rate(x) -> str:
    return "runaway" if x is None else f"{x:.3g}"


def feedback_table(results="results") -> None:
    """Per loop gain: thresholds (linear, f (ii), NEST) and the states during and after
    the kick (f (ii) from the theory's own state under the kick current, NEST)."""
    print("| model | κ | r_o linear (Hz) | threshold f (ii) | NEST open-loop crossing | "
          "during kick: f (ii) / NEST | after kick: f (ii) / NEST |")
    print("|---|---|---|---|---|---|---|")
    for path in sorted((Path(results) / "theory").glob("*/uniform_feedback.json")):
        for g in json.loads(path.read_text())["loop_gains"]:
            thr = g["simulated_threshold_Hz"]
            nest_thr = "–" if thr is None else (
                f"{thr:.3g} ± {g['simulated_threshold_sem_Hz']:.2g}" if thr else "0")
            print(f"| {path.parent.name} | {g['loop_gain']:g} | {g['r_o_linear_Hz']:.3g} | "
                  f"{rate(g['threshold_fluct_Hz'])} | {nest_thr} | "
                  f"{rate(g['during_kick_fluct_Hz'])} / {g['closed_loop_during_kick_Hz']:.3g} | "
                  f"{rate(g['after_kick_fluct_Hz'])} / {g['closed_loop_after_kick_Hz']:.3g} |")


def threshold_errors(results="results") -> None:
    """Median relative error of the predicted ignition threshold against NEST's
    open-loop crossing (thresholds >= 1 Hz), per model and f (condrate.summary)."""
    from condrate.summary import threshold_errors as errors

    print("| model | threshold r_o, median error: linear f (i) | fluctuation-aware f (ii) |")
    print("|---|---|---|")
    for path in sorted((Path(results) / "theory").glob("*/uniform_feedback.json")):
        e = errors(json.loads(path.read_text()))
        print(f"| {path.parent.name} | " + " | ".join(
            f"{pct(e[k]['median_rel_error'])} (n = {e[k]['n']})" for k in ("linear", "fluct"))
            + " |")


def selfconsistent_table(results="results") -> None:
    """Per model and external rate: the self-consistent single neurons (iv) against the
    network (rate with its bootstrap interval over the last generation's neurons, the
    range of r* over the last three generations, the standard deviation of r* over the
    last five beside the bootstrap half-width: how far r* moves between generations
    against the noise the convergence test allows, CV, Fano), convergence, and the cost."""
    print("| model | ν_ext (Hz) | r* (95 % interval) / NEST E, I (Hz) | r* in the last 3 "
          "generations (Hz) | sd of r*, last 5 generations / bootstrap half-width (Hz) | "
          "CV: (iv) / NEST E | Fano: (iv) / NEST E | converged |")
    print("|---|---|---|---|---|---|---|---|")
    costs = []
    for path in sorted((Path(results) / "theory").glob("*/closedloop/rows.json")):
        model = path.parent.parent.name
        check = json.loads(path.read_text())["selfconsistent"]
        preds = json.loads((path.parent.parent / "selfconsistent.json").read_text())["predictions"]
        history = {q["nu_ext_Hz"]: q for q in preds}
        for run in check["runs"]:
            p, n = run["predicted"], run["network_E_I"]
            lo, hi = p["rate_interval_Hz"]
            q = history[run["nu_ext_Hz"]]
            last = [g["root_Hz"] for g in q["history"][-3:]]
            sd = statistics.stdev(g["root_Hz"] for g in q["history"][-5:])
            mark = "" if q["bracketed"] else " ‡"
            print(f"| {model} | {run['nu_ext_Hz']:g} | {p['rate']:.2f}{mark} ({lo:.2f}–{hi:.2f}) / "
                  f"{n['rate'][0]:.2f}, {n['rate'][1]:.2f} | {min(last):.2f}–{max(last):.2f} | "
                  f"{sd:.2f} / {(hi - lo) / 2:.2f} | "
                  f"{p['cv_isi']:.2f} / {n['cv_isi'][0]:.2f} | {p['fano']:.2f} / "
                  f"{n['fano'][0]:.2f} | {'yes' if run['converged'] else 'no'} "
                  f"({run['generations']} generations"
                  + "".join(f"; {why}" for why in q.get("not_converged", [])) + ") |")
        med = check["median_rel_error"]
        cost = json.loads((path.parent.parent / "selfconsistent_cost.json").read_text())
        costs.append(f"| {model} | {pct(med['rate'])} | {pct(med['cv_isi'])} | "
                     f"{pct(med['fano'])} | {cost['generations_s']:.1f} s / "
                     f"{cost['network_s']:.1f} s = {cost['ratio']:.2f} |")
    print()
    print("‡ the last ladder did not bracket r*: an extrapolation (secant, clamped), "
          "not reported as a prediction")
    print()
    print("| model | median error: rate | CV | Fano | NEST simulate time: all generations / "
          "base network |")
    print("|---|---|---|---|---|")
    print("\n".join(costs))


def map_table(results="results") -> None:
    """Per model (make map): the points where each rate prediction is within 10 % of
    the network, of the points firing >= 1 Hz and of those in the AI state, and its
    median error over the AI, mean-driven and fluctuation-driven points."""
    paths = sorted((Path(results) / "map").glob("*/map.json"))
    if not paths:
        return
    print("| model | prediction | within 10 %: all / AI points | median error: AI | "
          "mean-driven | fluctuation-driven | not AI |")
    print("|---|---|---|---|---|---|---|")
    for path in paths:
        s = json.loads(path.read_text())["summary"]
        for key, label in FS:
            q = s["predictions"][key]
            med, n = q["median_rel_error"], q["n_points"]
            cells = [f"{pct(med[g])} (n = {n[g]})"
                     for g in ("ai", "mean_driven", "fluctuation_driven", "not_ai")]
            print(f"| {path.parent.name} | {label} | {q['n_within']} of {s['points_firing']} / "
                  f"{q['n_within_ai']} of {s['points_ai']} | " + " | ".join(cells) + " |")


TABLES = (fi_table, network_table, balanced_state_table, theory_table, diagnostics_table,
          threshold_errors, feedback_table, selfconsistent_table, map_table)

if __name__ == "__main__":
    for k, table in enumerate(TABLES):
        if k:
            print()
        table(*sys.argv[1:2])
