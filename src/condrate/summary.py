"""The study's answer as a file: ``results/summary.md`` and ``results/summary.json``.

For the run's config, per experiment and model: each prediction's relative error
against NEST in the rate band where the neurons fire (1–50 Hz: median, 90th percentile,
the number of points n), the points it could not predict, the self-consistent loop's
converged count and the loops from other start guesses, the uniform-feedback
thresholds, the base networks and, where the map has run, the validity map's counts. Every number the README's answer table shows is a
copy of this file's table for the default config (docs/tables/, ``make figures``).

Pure functions of the result files' contents; the rule's entry point reads them.
"""

from __future__ import annotations

import re

from .theory.predictors import PREDICTORS
from .theory.verification import error_stats

BAND = "1_50Hz"
EXPERIMENTS = {"open_loop": "open loop (unconnected neurons)",
               "closed_loop": "E/I network (closed loop)",
               "uniform_feedback": "uniform-feedback network (E only)"}


def pct(x) -> str:
    return "–" if x is None else f"{100 * x:.0f} %"


def _band_cell(entry: dict | None) -> dict | None:
    """Median, p90 and n of one prediction in the headline band, or None (not predicted)."""
    if not entry:
        return None
    band = entry["bands"][BAND]
    return {"median_rel_error": band["median_rel_error"], "p90_rel_error": band["p90_rel_error"],
            "n": band["n"], "n_missing": band.get("n_no_prediction", 0)}


def threshold_errors(feedback: dict) -> dict:
    """Median relative error of the predicted ignition threshold r_o against NEST's
    open-loop crossing (thresholds >= 1 Hz), per prediction that has one, with n."""
    gains = [g for g in feedback["loop_gains"]
             if g["simulated_threshold_Hz"] and g["simulated_threshold_Hz"] >= 1.0]
    out = {}
    for key, field in (("linear", "r_o_linear_Hz"), ("fluct", "threshold_fluct_Hz")):
        st = error_stats([None if g[field] is None else
                          abs(g[field] - g["simulated_threshold_Hz"]) / g["simulated_threshold_Hz"]
                          for g in gains])  # a threshold not predicted is a failure
        out[key] = {"median_rel_error": st["median_rel_error"], "n": st["n"],
                    "n_missing": st["n_no_prediction"]}
    return out


def model_answer(theory: dict, feedback: dict | None, network: dict | None) -> dict:
    """One model's rows: the experiments of its theory summary.json (and its feedback)."""
    out = {}
    for exp in ("open_loop", "closed_loop"):
        if exp in theory:
            out[exp] = {p.key: _band_cell(theory[exp].get(p.key)) for p in PREDICTORS}
    conv = theory.get("closed_loop_selfconsistent_converged")
    if conv is not None and "closed_loop" in out:
        out["closed_loop_selfconsistent_converged"] = {
            "converged": conv["converged"], "n": conv["n"],
            "errors": _band_cell(conv["errors"])}
    if theory.get("selfconsistent_other_starts"):
        out["selfconsistent_other_starts"] = [
            {k: q[k] for k in ("nu_ext_Hz", "start_Hz", "rate_Hz", "rate_interval_Hz",
                               "main_rate_Hz", "main_rate_interval_Hz", "agree", "converged")}
            for q in theory["selfconsistent_other_starts"]]
    if "adaptation" in theory:
        out["adaptation"] = theory["adaptation"]
    if theory.get("calibration_distance"):
        out["calibration_distance"] = theory["calibration_distance"]
    if feedback is not None:
        out["uniform_feedback"] = threshold_errors(feedback)
    if network is not None:
        E = network["populations"]["E"]
        out["network"] = {"rate_E_Hz": E["rate_Hz"], "cv_isi": E["cv_isi"]["mean"],
                          "fano": E["fano"]["mean"],
                          "asynchronous_irregular": network["ai_state"]["asynchronous_irregular"]}
    return out


def map_answer(map_summary: dict) -> dict:
    """The validity map's counts per prediction: within 10 % of all firing and of the AI
    points, and the median error over the AI points with its n."""
    out = {"points_firing": map_summary["points_firing"], "points_ai": map_summary["points_ai"],
           "predictions": {}}
    for p in PREDICTORS:
        q = map_summary["predictions"].get(p.key)
        if q is None:
            continue
        out["predictions"][p.key] = {
            "n_within": q["n_within"], "n_within_ai": q["n_within_ai"],
            "median_rel_error_ai": q["median_rel_error"]["ai"], "n_ai": q["n_points"]["ai"],
            "n_no_prediction_ai": q.get("n_no_prediction", {}).get("ai", 0)}
        if "n_within_converged" in q:
            out["predictions"][p.key] |= {
                "n_within_converged": q["n_within_converged"],
                "n_within_ai_converged": q["n_within_ai_converged"]}
    out["points_converged"] = map_summary.get("points_selfconsistent_converged")
    out["points_ai_converged"] = map_summary.get("points_ai_selfconsistent_converged")
    return out


def answer(models: dict, maps: dict, provenance: dict, config_files: list) -> dict:
    """summary.json: ``models`` maps a model to its model_answer, ``maps`` a model to its
    map_answer (empty where the map has not run)."""
    return {"band": "1–50 Hz (simulated rate)", "config_files": config_files,
            "provenance": provenance,
            "predictors": {p.key: {"numeral": p.numeral, "name": p.name, "uses": p.uses,
                                   "calibrated_on": p.calibrated_on,
                                   "diagnostic": p.diagnostic,
                                   "diagnostic_reason": p.diagnostic_reason}
                           for p in PREDICTORS},
            "models": models, "map": maps}


def _cell(c: dict | None) -> str:
    if c is None:
        return "–"
    if not c["n"]:
        return "no points"
    missing = f", {c['n_missing']} not predicted" if c.get("n_missing") else ""
    p90 = f" (p90 {pct(c['p90_rel_error'])})" if c.get("p90_rel_error") is not None else ""
    return f"{pct(c['median_rel_error'])}{p90}, n = {c['n']}{missing}"


def answer_table(summary: dict) -> str:
    """The answer table (Markdown): per experiment and model, each prediction's median
    relative error (p90) and n in the 1–50 Hz band."""
    head = "| experiment, 1–50 Hz band | model | " + " | ".join(
        p.heading for p in PREDICTORS) + " |"
    lines = [head, "|---|---|" + "---|" * len(PREDICTORS)]
    for exp, label in EXPERIMENTS.items():
        for model, m in summary["models"].items():
            if exp not in m:
                continue
            cells = []
            for p in PREDICTORS:
                c = m[exp].get(p.key)
                text = _cell(c)
                conv = m.get("closed_loop_selfconsistent_converged")
                if exp == "closed_loop" and p.key == "selfconsistent" and conv and c:
                    text += f"; converged at {conv['converged']} of {conv['n']} ν_ext"
                    if conv["converged"]:
                        text += f", there: {_cell(conv['errors'])}"
                cells.append(text)
            lines.append(f"| {label} | {model} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def map_table(summary: dict) -> str:
    """The validity map's table: points within 10 % (all firing / AI) and the median
    error over the AI points, per model and prediction."""
    if not summary["map"]:
        return ""
    lines = ["| model | prediction | within 10 %: of the firing points | of the AI points | "
             "median error over the AI points (n, no prediction) |", "|---|---|---|---|---|"]
    for model, m in summary["map"].items():
        for p in PREDICTORS:
            q = m["predictions"].get(p.key)
            if q is None:
                continue
            firing = f"{q['n_within']} of {m['points_firing']}"
            ai = f"{q['n_within_ai']} of {m['points_ai']}"
            if "n_within_converged" in q:  # the loop judged where it converged
                firing += (f" (at converged points: {q['n_within_converged']} of "
                           f"{m['points_converged']})")
                ai += (f" (converged: {q['n_within_ai_converged']} of "
                       f"{m['points_ai_converged']})")
            lines.append(f"| {model} | {p.heading} | {firing} | {ai} | "
                         f"{pct(q['median_rel_error_ai'])} (n = {q['n_ai']}, "
                         f"{q['n_no_prediction_ai']}) |")
    return "\n".join(lines) + "\n"


def predictors_table(summary: dict | None = None) -> str:
    """What each prediction uses and what it is calibrated on; where a model of
    ``summary`` adapts, how each takes adaptation into account."""
    adapting = [m for m, a in (summary or {}).get("models", {}).items() if "adaptation" in a]
    head = "| prediction | uses | calibrated on |"
    if adapting:
        head += f" adaptation ({', '.join(adapting)}) |"
    lines = [head, "|---" * head.count(" |") + "|"]
    for p in PREDICTORS:
        note = f" **Diagnostic:** {p.diagnostic_reason}." if p.diagnostic else ""
        lines.append(f"| {p.heading} | {p.uses}.{note} | {p.calibrated_on} |"
                     + (f" {p.adaptation} |" if adapting else ""))
    return "\n".join(lines) + "\n"


def starts_table(summary: dict) -> str:
    """The self-consistent loop at the base external rate from other start guesses."""
    lines = ["| model | ν_ext (Hz) | start (Hz) | r* (95 % interval) | from the default start | "
             "intervals overlap | converged |", "|---|---|---|---|---|---|---|"]
    for model, m in summary["models"].items():
        for q in m.get("selfconsistent_other_starts", []):
            (a, b), (c, d) = q["rate_interval_Hz"], q["main_rate_interval_Hz"]
            lines.append(f"| {model} | {q['nu_ext_Hz']:g} | {q['start_Hz']:g} | "
                         f"{q['rate_Hz']:.2f} ({a:.2f}–{b:.2f}) | {q['main_rate_Hz']:.2f} "
                         f"({c:.2f}–{d:.2f}) | {'yes' if q['agree'] else 'no'} | "
                         f"{'yes' if q['converged'] else 'no'} |")
    return "\n".join(lines) + "\n" if len(lines) > 2 else ""


def calibration_table(summary: dict) -> str:
    """How far the conditions (iii) is judged at lie from those it is calibrated on."""
    lines = ["| model | judged open-loop conditions | calibration conditions | nearest "
             "calibration condition to a judged one, median (least) |", "|---|---|---|---|"]
    rows = [(m, a["calibration_distance"]) for m, a in summary["models"].items()
            if a.get("calibration_distance")]
    for m, d in rows:
        lines.append(f"| {m} | {d['n_judged']} | {d['n_calibration']} | "
                     f"{d['median_Hz']:.1f} Hz ({d['min_Hz']:.1f} Hz) |")
    return "\n".join(lines) + "\n" if rows else ""


def network_table(summary: dict) -> str:
    lines = ["| model | E rate (Hz) | CV ISI | Fano | asynchronous irregular |",
             "|---|---|---|---|---|"]
    for model, m in summary["models"].items():
        if "network" in m:
            n = m["network"]
            lines.append(f"| {model} | {n['rate_E_Hz']:.1f} | {n['cv_isi']:.2f} | "
                         f"{n['fano']:.2f} | {'yes' if n['asynchronous_irregular'] else 'no'} |")
    return "\n".join(lines) + "\n"


def markdown(summary: dict) -> str:
    """results/summary.md: the tables with their provenance."""
    prov = summary["provenance"]
    commit = prov.get("condrate_commit") or "not a git checkout"
    dirty = " (with uncommitted changes)" if prov.get("condrate_dirty") else ""
    parts = [
        "# condrate: the answer for this run\n",
        f"Config: {', '.join(summary['config_files'])}; NEST {prov.get('nest_version')}, "
        f"seed {prov.get('seed')}, {prov.get('virtual_processes')} VP; condrate "
        f"{prov.get('condrate_version')}, commit {commit}{dirty}.\n",
        "## Rate predictions against NEST\n",
        "Relative error |predicted − NEST| / NEST where NEST's rate is 1–50 Hz: median "
        "(90th percentile), n points. A point without a prediction (no stable fixed point; "
        "a self-consistent root its ladder did not bracket) is a failure: an infinite "
        "error in the median and p90 (– where one lands there), and counted as \"not "
        "predicted\". The self-consistent loop (iv) is also judged at the external rates "
        "where it converged, with their count.\n",
        "<!-- table:answer -->\n" + answer_table(summary) + "<!-- /table -->\n",
        "## What each prediction uses\n",
        "<!-- table:predictors -->\n" + predictors_table(summary) + "<!-- /table -->\n",
        *(["## The self-consistent loop from other start guesses\n",
            "<!-- table:starts -->\n" + starts_table(summary) + "<!-- /table -->\n"]
          if starts_table(summary) else []),
        *(["## Where (iii) is calibrated\n",
            "Euclidean distance in (r_E, r_I, ν_ext) between each judged open-loop "
            "condition and the nearest condition of (iii)'s calibration run (a least "
            "distance of 0 would be a judged condition calibrated on).\n",
            "<!-- table:calibration -->\n" + calibration_table(summary) + "<!-- /table -->\n"]
          if calibration_table(summary) else []),
        "## The networks\n",
        "<!-- table:networks -->\n" + network_table(summary) + "<!-- /table -->\n",
    ]
    if summary["map"]:
        parts += ["## The validity map\n",
                  "<!-- table:map -->\n" + map_table(summary) + "<!-- /table -->\n"]
    return "\n".join(parts)


def rst_table(md: str) -> str:
    """A Markdown pipe table as an RST list-table (the Snakemake report is RST)."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in md.strip().splitlines() if not line.startswith("|---")]
    # a cell opening with "(iv) " would be an RST enumerated list, its numeral dropped
    rows = [[re.sub(r"^(\(?[0-9a-z#]+[.)] )", r"\\\1", c) for c in row] for row in rows]
    out = [".. list-table::", "   :header-rows: 1", ""]
    for row in rows:
        out += [f"   * - {row[0]}"] + [f"     - {c}" for c in row[1:]]
    return "\n".join(out) + "\n"


def report_rst(summary: dict) -> str:
    """The Snakemake report's landing page: the answer first, then what each category
    holds."""
    prov = summary["provenance"]
    parts = [
        "**Do rate equations derived from conductance-based neurons predict what the "
        "spiking network does?** The answer of this run "
        f"({', '.join(summary['config_files'])}; NEST {prov.get('nest_version')}, seed "
        f"{prov.get('seed')}, {prov.get('virtual_processes')} VP; condrate "
        f"{prov.get('condrate_version')}, commit {prov.get('condrate_commit')}): relative "
        "error against NEST where NEST's rate is 1–50 Hz, median (90th percentile), n "
        "points.", "", rst_table(answer_table(summary)), "",
        "What each prediction uses:", "", rst_table(predictors_table(summary)), ""]
    if summary["map"]:
        parts += ["The validity map:", "", rst_table(map_table(summary)), ""]
    parts += [
        "The categories: **Answer** holds this table as a file (summary.md, summary.json); "
        "**f–I curves** the threshold shift under added conductance per model; **Network** "
        "the E/I network's activity and the balanced-state sweeps; **Rate theory** the "
        "predictions against NEST (open loop, closed loop, self-consistent, uniform "
        "feedback, step); **Validity map** the map's heat maps and table, where "
        "`make map` has run; **Paper figures** and **Tables** the composed figures and key "
        "tables of `make paper`."]
    return "\n".join(parts) + "\n"


def _model_of(path: str, depth: int = 0) -> str:
    """The model folder of results/<stage>/<model>/[<depth> folders/]<file>."""
    from pathlib import Path

    return Path(path).parents[depth].name


def write_summary(theory, feedback, stats, maps, summary_md, summary_json, summary_rst,
                  config_files) -> dict:
    """The rule's entry point: read each model's theory summary, uniform-feedback result,
    base network statistics and map summary (lists of files, any may be empty), write
    the summary's three forms."""
    from .io import read_json, write_json, write_text

    by_model = {}
    for path in theory:
        model = _model_of(path)
        fb = next((read_json(f) for f in feedback if _model_of(f) == model), None)
        st = next((read_json(f) for f in stats if _model_of(f, 1) == model), None)
        by_model[model] = model_answer(read_json(path), fb, st)
    prov = read_json(theory[0])["provenance"] if theory else {}
    out = answer(by_model, {_model_of(f): map_answer(read_json(f)["summary"]) for f in maps},
                 prov, list(config_files))
    write_json(summary_json, out)
    write_text(summary_md, markdown(out))
    write_text(summary_rst, report_rst(out))
    return out
