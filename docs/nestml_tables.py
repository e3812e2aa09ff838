"""Write docs/tables/nestml.md from the run of config/nestml.yaml and copy its tables into
README.md and docs/ (as docs/generate.py does for the default run).

    python docs/nestml_tables.py [DIR]   (make nestml; DIR holds that run and its map)

docs/tables/nestml.md is the run's results/summary.md (the answer for its models) and
four generated blocks: ``twin_fi`` and ``twin_network`` (the NESTML twin against NEST's
iaf_cond_exp, same config, seed and VPs), ``a_current_onset`` (what the derivation
assumes of an f-I curve, for the A-current neuron and its variant without it) and
``a_current_answer`` (the answer table's rows of those two).
"""

import json
import sys
from pathlib import Path

import numpy as np

import generate
from condrate.fi.fit import onset
from condrate.io import read_csv

TWIN, BUILTIN = "iaf_cond_exp_nestml", "iaf_cond_exp"
A_CURRENT, NO_A = "hh_a_current", "hh_a_current_gA0"
TWIN_BAND_HZ = (10.0, 200.0)   # where the f-I rates are compared (issue 23's band)


def deterministic_rates(results: Path, model: str) -> dict:
    c = read_csv(results / "fi" / model / "fi_curves.csv")
    det = np.asarray(c["condition"]) == "deterministic"
    keys = zip(np.round(c["delta_g_nS"][det], 6), np.round(c["drive_mV"][det], 6))
    return dict(zip(keys, c["rate_Hz"][det]))


def twin_fi(results: Path) -> list:
    twin, builtin = (deterministic_rates(results, m) for m in (TWIN, BUILTIN))
    shared = [k for k in twin if k in builtin and TWIN_BAND_HZ[0] <= builtin[k] <= TWIN_BAND_HZ[1]]
    rel = np.array([abs(twin[k] - builtin[k]) / builtin[k] for k in shared])
    fits = {m: json.loads((results / "fi" / m / "threshold_fit.json").read_text())["deterministic"]
            for m in (TWIN, BUILTIN)}
    lines = ["| deterministic f–I, NEST's rate 10–200 Hz | n points | median | largest |",
             "|---|---|---|---|",
             f"| relative difference of the rates, {TWIN} vs {BUILTIN} | {len(rel)} | "
             f"{100 * np.median(rel):.2f} % | {100 * rel.max():.2f} % |"]
    for key, label in (("v_theta_mV", "v_θ (mV)"), ("I_theta0_pA", "I_θ0 (pA)"),
                       ("gain_Hz_per_pA", "gain β (Hz/pA)")):
        a, b = fits[TWIN][key], fits[BUILTIN][key]
        lines.append(f"| {label}: {TWIN} / {BUILTIN} | – | {a:.4g} / {b:.4g} | "
                     f"{100 * abs(a - b) / abs(b):.2f} % apart |")
    return lines


def twin_network(results: Path) -> list:
    lines = ["| network run | E rate (Hz): twin / built-in | CV ISI: twin / built-in | "
             "Fano: twin / built-in | largest difference |", "|---|---|---|---|---|"]
    for run in sorted(p.name for p in (results / "network" / BUILTIN).iterdir()
                      if (p / "stats.json").exists() and (results / "network" / TWIN / p.name
                                                          / "stats.json").exists()):
        e = {m: json.loads((results / "network" / m / run / "stats.json").read_text())
             ["populations"]["E"] for m in (TWIN, BUILTIN)}
        values = [(e[m]["rate_Hz"], e[m]["cv_isi"]["mean"], e[m]["fano"]["mean"])
                  for m in (TWIN, BUILTIN)]
        worst = max(abs(a - b) / abs(b) for a, b in zip(*values) if b)
        cells = " | ".join(f"{a:.3g} / {b:.3g}" for a, b in zip(*values))
        lines.append(f"| {run} | {cells} | {100 * worst:.1f} % |")
    return lines


def a_current_onset(results: Path) -> list:
    lines = ["| model | f–I | Δg (nS) | first rate (Hz) at the first firing current (pA; "
             "grid step) | gain β (Hz/pA), 5–100 Hz | R² of a line, 5–100 Hz | gain / gain at Δg = 0 |",
             "|---|---|---|---|---|---|---|"]
    for model in (A_CURRENT, NO_A):
        c = read_csv(results / "fi" / model / "fi_curves.csv")
        fit = json.loads((results / "fi" / model / "threshold_fit.json").read_text())
        for cond in ("deterministic", "noisy"):
            band = fit[cond]["fit_band_Hz"]
            sel = np.asarray(c["condition"]) == cond
            levels = np.unique(c["delta_g_nS"][sel])
            rows = [onset(c["I_pA"][sel & (c["delta_g_nS"] == dg)],
                          c["rate_Hz"][sel & (c["delta_g_nS"] == dg)], band) for dg in levels]
            for dg, o in zip(levels, rows):
                ratio = o["gain_Hz_per_pA"] / rows[0]["gain_Hz_per_pA"]
                lines.append(
                    f"| {model} | {cond} | {dg:g} | {o['first_rate_Hz']:.3g} at "
                    f"{o['first_current_pA']:.4g} ({o['grid_step_pA']:.3g}) | "
                    f"{generate_num(o['gain_Hz_per_pA'], '{:.3f}')} | "
                    f"{generate_num(o['r2'], '{:.3f}')} | {generate_num(ratio, '{:.2f}')} |")
            lines.append(f"| {model} | {cond} | joint fit | v_θ = {fit[cond]['v_theta_mV']:.2f} mV, "
                         f"I_θ0 = {fit[cond]['I_theta0_pA']:.1f} pA | "
                         f"{fit[cond]['gain_Hz_per_pA']:.3f} | {fit[cond]['r2']:.3f} | – |")
    return lines


def a_current_answer(results: Path) -> list:
    """The rows of the run's answer table for the A-current neuron and its variant."""
    answer = {m.group(1): m.group(2) for m in
              generate.BLOCK.finditer((results / "summary.md").read_text())}["answer"]
    lines = answer.strip().splitlines()
    return lines[:2] + [line for line in lines[2:] if f"| {A_CURRENT}" in line]


def generate_num(x: float, fmt: str) -> str:
    return "–" if not np.isfinite(x) else fmt.format(x)


def main(work="results/presets/nestml") -> None:
    results = Path(work) / "results"
    summary = results / "summary.md"
    if not summary.exists():
        raise SystemExit(f"{summary} is missing: run make nestml first")
    text = summary.read_text().rstrip() + "\n\n## The NESTML neurons (docs/nestml_tables.py)\n\n"
    text += "\n".join(generate.block(name, "\n".join(table(results))) for name, table in
                      (("twin_fi", twin_fi), ("twin_network", twin_network),
                       ("a_current_onset", a_current_onset),
                       ("a_current_answer", a_current_answer)))
    (generate.TABLES / "nestml.md").write_text(text)
    for page in generate.sync():
        print(f"tables: {page.relative_to(generate.ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
