"""Write docs/tables/rs_fs_adex.md from the run of config/rs_fs_adex.yaml (the RS-FS
AdEx network, a two-model network) and copy its tables and figures into the docs (as
docs/generate.py does for the default run).

    python docs/rs_fs_tables.py [DIR]   (make rs-fs; DIR holds that run)

Blocks: ``fits`` (both cells' deterministic f-I fits: what (i) takes), ``networks``
(the network over the external-rate sweep: rates, ISI CV, Fano factor, synchrony chi,
the AI verdict), ``closed_loop`` (each population's NEST rate against every prediction
with a two-population form, results/theory/<model>/two_population.csv) and ``errors``
(per prediction and population the 1-50 Hz band's median and p90 relative error, n and
the points without a stable fixed point; (iv) at the drives where its loop converged,
with the count; the predictions without a two-population form with the reason),
``selfconsistent`` ((iv)'s pair loop per drive: r*_E, r*_I with their intervals beside
the network's rates, converged or why not), ``calibration`` (how far the network's points lie from (iii)'s
calibration conditions, in (r_E, r_I, ν_ext)), and, where `make map` has run, ``map``
(the map over the RS cells' adaptation strength x ν_ext by strength: NEST's E rates,
per prediction the points within 10 % and the median error; adaptation_tables.py's
strength_map). Figures: docs/figures/rs_fs_<name>.png.
"""

import shutil
import sys
from pathlib import Path

import generate
from adaptation_tables import strength_map
from condrate.io import read_csv, read_json
from condrate.theory.predictors import PREDICTORS
from condrate.theory.verification import closed_loop_nu

PREFIX = "rs_fs_"  # of its figures in docs/figures/ (generate.PRESET_FIGURES)


def pct(x) -> str:
    return "no stable fixed point" if x is None else f"{100 * x:.0f} %"


def fits(results: Path, models: dict) -> str:
    lines = ["| population | model | v_θ (mV) | I_θ0 (pA) | gain β (Hz/pA) | R² |",
             "|---|---|---|---|---|---|"]
    for pop, name in models.items():
        f = read_json(results / "fi" / name / "threshold_fit.json")["deterministic"]
        lines.append(f"| {pop} | {name} | {f['v_theta_mV']:.2f} | {f['I_theta0_pA']:.1f} | "
                     f"{f['gain_Hz_per_pA']:.4f} | {f['r2']:.4f} |")
    return "\n".join(lines)


def networks(results: Path, model: str) -> str:
    lines = ["| ν_ext (Hz) | r_E (Hz) | r_I (Hz) | ISI CV E / I | Fano E / I | χ E / I | AI |",
             "|---|---|---|---|---|---|---|"]
    stats = [read_json(p) for p in (results / "network" / model).glob("*/stats.json")]
    stats = [s for s in stats if s["network"].get("step") is None
             and s["network"]["K_E"] == max(x["network"]["K_E"] for x in stats)]
    for s in sorted(stats, key=lambda s: s["network"]["nu_ext_Hz"]):
        e, i = s["populations"]["E"], s["populations"]["I"]
        lines.append(
            f"| {s['network']['nu_ext_Hz']:g} | {e['rate_Hz']:.2f} | {i['rate_Hz']:.2f} | "
            f"{e['cv_isi']['mean']:.2f} / {i['cv_isi']['mean']:.2f} | "
            f"{e['fano']['mean']:.2f} / {i['fano']['mean']:.2f} | {e['chi']:.3f} / {i['chi']:.3f} | "
            f"{'yes' if s['ai_state']['asynchronous_irregular'] else 'no'} |")
    return "\n".join(lines)


def closed_loop(theory: Path, keys: list) -> str:
    rows = read_csv(theory / "two_population.csv")
    head = " | ".join(f"{k} (Hz)" for k in keys)
    lines = [f"| ν_ext (Hz) | population | NEST (Hz) | {head} |",
             "|---|---|---|" + "---|" * len(keys)]
    for i, cond in enumerate(rows["condition"]):
        pred = []
        for k in keys:
            v = rows[f"predicted_Hz_{k}"][i]
            pred.append("–" if v in (None, "") else f"{float(v):.2f}")
        lines.append(f"| {closed_loop_nu(cond):g} | {rows['population'][i]} | {float(rows['simulated_Hz'][i]):.2f} | "
                     + " | ".join(pred) + " |")
    return "\n".join(lines)


def errors(out: dict, labels: dict) -> str:
    """Per prediction and population the 1-50 Hz band's errors; (iv)'s at the drives
    where its loop converged only, with the converged count."""
    lines = ["| prediction | population | median | p90 | n (1–50 Hz) | no stable fixed point |",
             "|---|---|---|---|---|---|"]
    sc = out["selfconsistent"]
    converged = f"converged at {sc['converged']} of {sc['n']} drives"
    for pop, per in out["errors"].items():
        for key, e in per.items():
            b = e["bands"]["1_50Hz"]
            label = labels[key] + (f" ({converged}; judged there)" if key == "selfconsistent"
                                   else "")
            lines.append(f"| {label} | {pop} | {pct(b['median_rel_error'])} | "
                         f"{pct(b['p90_rel_error'])} | {b['n']} | {b['n_no_prediction']} |")
    if not any("selfconsistent" in per for per in out["errors"].values()):
        lines.append(f"| {labels['selfconsistent']} | E, I | not judged: {converged} | | | |")
    for key, reason in out["predictions"]["missing"].items():
        lines.append(f"| {labels[key]} | E, I | not predicted: {reason} | | | |")
    return "\n".join(lines)


def selfconsistent(out: dict, theory: Path) -> str:
    """(iv)'s pair loop per drive: r* of each population with its 95 % bootstrap
    interval, the network's rates beside it, and whether (else why not) it converged."""
    rows = read_csv(theory / "two_population.csv")
    net = {}  # the network's rate per drive and population
    for cond, pop, sim in zip(rows["condition"], rows["population"], rows["simulated_Hz"]):
        net.setdefault(closed_loop_nu(cond), {})[pop] = float(sim)
    lines = ["| ν_ext (Hz) | r*_E (Hz) [95 %] | NEST E (Hz) | r*_I (Hz) [95 %] | NEST I (Hz) | "
             "converged |", "|---|---|---|---|---|---|"]
    for q in out["selfconsistent"]["runs"]:
        (e0, e1), (i0, i1) = q["rate_interval_Hz"]
        n = net.get(q["nu_ext_Hz"], {})
        why = "yes" if q["converged"] else "no: " + "; ".join(q["not_converged"])
        lines.append(f"| {q['nu_ext_Hz']:g} | {q['rate_Hz'][0]:.2f} [{e0:.2f}, {e1:.2f}] | "
                     f"{n.get('E', float('nan')):.2f} | {q['rate_Hz'][1]:.2f} "
                     f"[{i0:.2f}, {i1:.2f}] | {n.get('I', float('nan')):.2f} | {why} |")
    return "\n".join(lines)


def calibration(out: dict) -> str:
    """How far the network's operating points lie from (iii)'s calibration conditions."""
    d = out["calibration_distance"]
    return ("| network points judged | calibration conditions (per population) | "
            "nearest calibration condition, median (least) |\n|---|---|---|\n"
            f"| {d['n_judged']} | {d['n_calibration']} | {d['median_Hz']:.1f} Hz "
            f"({d['min_Hz']:.1f} Hz) |")


def main(work="results/presets/rs_fs_adex") -> None:
    results = Path(work) / "results"
    found = sorted((results / "theory").glob("*/two_population.json"))
    if not found:
        raise SystemExit(f"{results}: no theory/<model>/two_population.json; run make rs-fs")
    (path,) = found
    out = read_json(path)
    model = path.parent.name
    labels = {q.key: q.label for q in PREDICTORS}
    keys = [q.key for q in PREDICTORS if q.key not in out["predictions"]["missing"]]
    blocks = {"fits": fits(results, out["models"]), "networks": networks(results, model),
              "closed_loop": closed_loop(path.parent, keys), "errors": errors(out, labels),
              "selfconsistent": selfconsistent(out, path.parent), "calibration": calibration(out)}
    mapped = (results / "map" / model / "map.csv").exists()
    if mapped:
        blocks["map"] = "\n".join(strength_map(results))
    text = ("# The RS–FS AdEx network, a two-model network (generated: docs/rs_fs_tables.py)\n\n"
            + "\n".join(generate.block(name, b) for name, b in blocks.items()))
    (generate.TABLES / "rs_fs_adex.md").write_text(text)
    figures = results / "figures"
    base = [p for p in figures.glob(f"network_{model}_*.png") if "-" not in p.stem]  # not -step
    for src, name in ((figures / f"theory_two_population_{model}.png", "two_population.png"),
                      (figures / f"theory_selfconsistent_{model}.png", "selfconsistent.png"),
                      (base[0], "network.png"),
                      *([(figures / f"map_{model}.png", "map.png")] if mapped else [])):
        shutil.copyfile(src, generate.DOCS / "figures" / f"{PREFIX}{name}")
    for page in generate.sync():
        print(f"tables: {page.relative_to(generate.ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
