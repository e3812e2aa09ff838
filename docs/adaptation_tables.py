"""Write docs/tables/adaptation.md from the run of config/adaptation.yaml and copy its
tables into docs/ (as docs/generate.py does for the default run).

docs/tables/adaptation.md is the run's results/summary.md (the answer of the study of the
adapting models: (i)-(iv) against their networks) and the blocks below.

    python docs/adaptation_tables.py [DIR [BLOCK ...]]   (make adaptation; DIR holds that run;
    BLOCKs: only those blocks, after rerunning the rules they read)

Block ``steady_state``: for every adapting model, strength and condition, the error of
the predicted steady-state f-I where NEST fires 1-50 Hz (adaptation averaged over the
interspike interval, and followed along it) and the gains, from
results/adaptation/<model>/summary.json; block ``step_response``: the population's
overshoot and slow time constant after a step, NEST against the rate equations (and the
same equations on the interpolated reference counts; results/adaptation/<model>/step.json);
block ``initial``: the initial (first-ISI) f-I's gain beside the steady state's and the reference neuron's, and each one's gain
ratio between the largest added conductance and none (the lecture's warning: where
"conductance shifts the threshold, not the slope" stops holding); block ``fits``: the
fi stage's joint fit of the adapted steady state (v_θ, I_θ0, β); block ``ablation``: (ii)
in closed loop with and without the averaged adaptation current; block ``network_step``:
the E/I network's slow response to a step of ν_ext against (ii) with dynamic adaptation;
block ``strength_map``: the map over adaptation strength x ν_ext by strength.
"""

import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

import generate
from condrate.io import read_csv
from condrate.theory import rate_model as rt
from condrate.theory.stage import load_rate_model
from condrate.theory.verification import closed_loop_nu


def pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def gain(x) -> str:
    return "–" if x is None or x != x else f"{x:.3f}"


def steady_state(results: Path) -> list:
    lines = ["| model | strength | f–I | n (1–50 Hz) | median error | p90 | followed along the "
             "interval: median error (p90) | gain at Δg = 0 (Hz/pA): "
             "NEST / predicted / β/(1+βJ) | J (pA/Hz) | gain at largest Δg / at 0: NEST / predicted |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for path in sorted((results / "adaptation").glob("*/summary.json")):
        summary = json.loads(path.read_text())
        for p in summary["parts"]:
            lv = p["levels"][0]
            lines.append(
                f"| {path.parent.name} | {p['strength']:g} | {p['condition']} | {p['n']} | "
                f"{pct(p['median_rel_error'])} | {pct(p['p90_rel_error'])} | "
                f"{pct(p['median_rel_error_interval'])} ({pct(p['p90_rel_error_interval'])}) | "
                f"{gain(lv['gain_nest_Hz_per_pA'])} / {gain(lv['gain_predicted_Hz_per_pA'])} / "
                f"{gain(lv['gain_formula_Hz_per_pA'])} | {lv['J_pA_per_Hz']:.2f} | "
                f"{gain(p['gain_ratio_nest'])} / {gain(p['gain_ratio_predicted'])} |")
    return lines


def initial(results: Path) -> list:
    lines = ["| model | strength | f–I | gain at Δg = 0 (Hz/pA): initial / steady state / reference "
             "| gain at largest Δg / at 0: initial / steady state / reference |",
             "|---|---|---|---|---|"]
    for path in sorted((results / "adaptation").glob("*/summary.json")):
        for p in json.loads(path.read_text())["parts"]:
            lv = p["levels"][0]
            lines.append(
                f"| {path.parent.name} | {p['strength']:g} | {p['condition']} | "
                f"{gain(lv['gain_initial_Hz_per_pA'])} / {gain(lv['gain_nest_Hz_per_pA'])} / "
                f"{gain(lv['gain_reference_Hz_per_pA'])} | {gain(p['gain_ratio_initial'])} / "
                f"{gain(p['gain_ratio_nest'])} / {gain(p['gain_ratio_reference'])} |")
    return lines


def step_response(results: Path) -> list:
    lines = ["| model | rate before → after the step (Hz), NEST | overshoot of the slow component: "
             "NEST / predicted | slow time constant (ms): NEST [95 % interval] / predicted | "
             "error of τ | on the interpolated counts instead: overshoot, τ (ms), error of τ | "
             "fitted from (ms after the step) | adaptation τ_j (ms) | neurons |",
             "|---|---|---|---|---|---|---|---|---|"]
    for path in sorted((results / "adaptation").glob("*/step.json")):
        s = json.loads(path.read_text())
        n, p = s["nest"], s["predicted"]
        q = s["predicted_interpolated_reference"]
        lines.append(
            f"| {path.parent.name} | {n['r_before_Hz']:.1f} → {n['r_inf_Hz']:.1f} | "
            f"{n['overshoot']:.2f} / {p['overshoot']:.2f} | {n['tau_ms']:.0f} "
            f"[{n['tau_interval_ms'][0]:.0f}, {n['tau_interval_ms'][1]:.0f}] / {p['tau_ms']:.0f} | "
            f"{pct(s['tau_rel_error'])} | {q['overshoot']:.2f}, {q['tau_ms']:.0f}, "
            f"{pct(q['tau_rel_error'])} | {n['skip_ms']:.0f} | "
            f"{', '.join(f'{t:.0f}' for t in s['mechanism_tau_ms'])} | {s['neurons']} |")
    return lines


def network_step(results: Path) -> list:
    """The E/I network's step of nu_ext: the slow component of NEST's population rate
    against (ii) with its averaged variables made dynamic (theory/<model>/step_dynamics.json)."""
    lines = ["| model | ν_ext (Hz) | rate before → after (Hz): NEST / (ii) | slow share of the "
             "first response: NEST [95 % interval] / (ii) | slow time constant (ms): NEST "
             "[95 % interval] / (ii) | error of τ | fitted from (ms after the step) | steps averaged |",
             "|---|---|---|---|---|---|---|---|"]
    for path in sorted((results / "theory").glob("*/step_dynamics.json")):
        s = json.loads(path.read_text())
        if "adaptation" not in s:
            continue
        a = s["adaptation"]
        n, p = a["nest"], a["predicted"]
        step = json.loads((results / "network" / path.parent.name / "step_response.json").read_text())
        lo, hi = share_interval(n)
        lines.append(
            f"| {path.parent.name} | {step['nu_ext_before_Hz']:g} → {step['step']['nu_ext_Hz']:g} | "
            f"{n['r_before_Hz']:.2f} → {n['r_inf_Hz']:.2f} / {p['r_before_Hz']:.2f} → "
            f"{p['r_inf_Hz']:.2f} | {pct(a['slow_fraction']['nest'])} [{pct(lo)}, {pct(hi)}] / "
            f"{pct(a['slow_fraction']['predicted'])} | {n['tau_ms']:.0f} [{n['tau_interval_ms'][0]:.0f}, "
            f"{n['tau_interval_ms'][1]:.0f}] / {p['tau_ms']:.0f} | {pct(a['tau_rel_error'])} | "
            f"{a['fit_from_ms']:.0f} | {step['n_steps']} |")
    return lines


def strength_map(results: Path) -> list:
    """The map over adaptation strength x nu_ext, per model and strength: NEST's E
    rates, the AI points, and per prediction the firing points within 10 % and the
    median error over them ("–": not defined at this strength, (i) and (iii) away from
    1; a missing prediction at a firing point counts as a failure)."""
    from condrate.criteria import RATE_CUT_HZ
    from condrate.map.table import TOLERANCE
    from condrate.theory.predictors import PREDICTORS
    from condrate.theory.verification import error_stats

    lines = ["| model | strength | E rate, NEST (Hz), by ascending ν_ext | AI points | "
             + " | ".join(f"{q.numeral}: within 10 % / median error" for q in PREDICTORS) + " |",
             "|---|---|---|---|" + "---|" * len(PREDICTORS)]
    for path in sorted((results / "map").glob("*/map.csv")):
        c = read_csv(path)
        if "adaptation_strength" not in c:
            continue
        for a in sorted(set(c["adaptation_strength"])):
            k = c["adaptation_strength"] == a
            rate = c["rate_E_Hz"][k][np.argsort(c["nu_ext_Hz"][k])]
            ai = sum(str(x) == "True" for x in c["asynchronous_irregular"][k])  # csv text
            firing = k & (c["rate_E_Hz"] >= RATE_CUT_HZ)
            cells = []
            for q in PREDICTORS:
                pred = c[f"{q.key}_Hz"][k]
                if a != 1.0 and q.key != "selfconsistent" and np.all(np.isnan(pred)):
                    cells.append("–")
                    continue
                err = c[f"{q.key}_rel_error"][firing]
                st = error_stats([None if e != e else e for e in err])
                cell = (f"{int(np.sum(err <= TOLERANCE))} of {int(firing.sum())} / "
                        f"{pct(st['median_rel_error'])}")
                if q.key == "selfconsistent":
                    conv = sum(str(x) == "True" for x in c["selfconsistent_converged"][k])
                    cell += f" (converged at {conv})"
                cells.append(cell)
            lines.append(f"| {path.parent.name} | {a:g} | "
                         f"{' → '.join(f'{r:.1f}' for r in rate)} | {ai} of {int(k.sum())} | "
                         + " | ".join(cells) + " |")
    return lines


def share_interval(fit: dict) -> tuple:
    """The slow share's 95 % interval from the fitted amplitude's (the rest held)."""
    out = []
    for amp in fit["amplitude_interval_Hz"]:
        peak = fit["r_inf_Hz"] + amp
        out.append(None if peak == fit["r_before_Hz"] else amp / (peak - fit["r_before_Hz"]))
    return tuple(sorted(out, key=lambda x: -1e9 if x is None else x))


def fits(results: Path) -> list:
    """The fi stage's joint fit of each adapting model's steady-state f-I (its study:
    what (i) uses), deterministic and noisy."""
    lines = ["| model | f–I | v_θ (mV) [interval] | I_θ0 (pA) | β (Hz/pA) | gain ratio, largest "
             "Δg / 0 | R² |", "|---|---|---|---|---|---|---|"]
    for path in sorted((results / "adaptation").glob("*/summary.json")):
        fit_path = results / "fi" / path.parent.name / "threshold_fit.json"
        if not fit_path.exists():
            continue
        fit = json.loads(fit_path.read_text())
        for cond in ("deterministic", "noisy"):
            f = fit.get(cond)
            if f:
                lo, hi = f["v_theta_interval_mV"]
                lines.append(f"| {path.parent.name} | {cond} | {f['v_theta_mV']:.2f} [{lo:.2f}, "
                             f"{hi:.2f}] | {f['I_theta0_pA']:.0f} | {gain(f['gain_Hz_per_pA'])} | "
                             f"{gain(f['gain_ratio'][-1])} | {f['r2']:.3f} |")
    return lines


def ablation(results: Path) -> list:
    """(ii) in closed loop for each adapting integrate-and-fire model of the study, with
    the averaged adaptation current and without it (the same rate equations, the
    model's adaptation section dropped), beside NEST's E rate: what the averaged
    variable changes in the network."""
    lines = ["| model | ν_ext (Hz) | NEST E rate (Hz) | (ii) with the averaged current (Hz) | "
             "(ii) without it (Hz) |", "|---|---|---|---|---|"]
    for theory in sorted((results / "theory").glob("*/verification.csv")):
        m = theory.parent.name
        model, p, _ = load_rate_model(results / "fi" / m / "threshold_fit.json",
                                      [results / "network" / m / "default" / "spec.json"])
        if not rt.adapts(model):
            continue
        bare = dataclasses.replace(model, adaptation=None)
        rows = read_csv(theory)
        k = (np.asarray(rows["experiment"]) == "closed_loop") & (np.asarray(rows["population"]) == "E")
        for cond, sim in sorted(zip(np.asarray(rows["condition"])[k],
                                    np.asarray(rows["simulated_Hz"])[k]),
                                key=lambda c: closed_loop_nu(c[0])):
            nu = closed_loop_nu(cond)
            rates = [rt.rest_fixed_point(rt.fluct_fixed_points(p, x, nu)) for x in (model, bare)]
            cells = " | ".join("–" if q is None else f"{q['rates_Hz'][0]:.2f}" for q in rates)
            lines.append(f"| {m} | {nu:g} | {sim:.2f} | {cells} |")
    return lines


BLOCKS = (steady_state, step_response, initial, fits, ablation, network_step, strength_map)


def replace_blocks(text: str, blocks: dict) -> str:
    """``text`` (docs/tables/adaptation.md) with the named generated blocks rewritten."""
    missing = sorted(set(blocks) - {m.group(1) for m in generate.BLOCK.finditer(text)})
    if missing:
        raise SystemExit(f"docs/tables/adaptation.md: no block {missing}")
    return generate.BLOCK.sub(
        lambda m: generate.block(m.group(1), blocks[m.group(1)]).rstrip("\n")
        if m.group(1) in blocks else m.group(0), text)


def main(work="results/presets/adaptation", *only) -> None:
    """Every block from the run in ``work``; with ``only`` (block names), just those,
    the others kept as the last full run wrote them (after rerunning the rules that
    produce them, e.g. adaptation_predict for ``steady_state``)."""
    results = Path(work) / "results"
    if not list((results / "adaptation").glob("*/summary.json")):
        raise SystemExit(f"{results}/adaptation: no summary.json; run make adaptation first")
    if only:
        known = {f.__name__: f for f in BLOCKS}
        unknown = sorted(set(only) - set(known))
        if unknown:
            raise SystemExit(f"unknown blocks {unknown}; allowed: {sorted(known)}")
        path = generate.TABLES / "adaptation.md"
        path.write_text(replace_blocks(path.read_text(), {
            name: "\n".join(known[name](results)) for name in only}))
        for page in generate.sync():
            print(f"tables: {page.relative_to(generate.ROOT)}")
        return
    summary = results / "summary.md"
    text = (summary.read_text().rstrip() + "\n\n" if summary.exists() else "") + (
            "# Adapting neurons: steady-state f-I predicted from the reference neuron and the "
            "averaged variable (generated: python docs/adaptation_tables.py)\n\n")
    tables = [steady_state, step_response, initial,
              *([fits] if (results / "fi").is_dir() else []),
              *([ablation, network_step] if (results / "theory").is_dir() else []),
              *([strength_map] if list((results / "map").glob("*/map.csv")) else [])]
    text += "\n".join(generate.block(table.__name__, "\n".join(table(results))) for table in tables)
    (generate.TABLES / "adaptation.md").write_text(text)
    generate.copy_figures(Path(work), only={"paper_adaptation.png"})
    for page in generate.sync():
        print(f"tables: {page.relative_to(generate.ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
