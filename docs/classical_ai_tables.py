"""Write docs/tables/classical_ai.md from the run of config/classical_ai.yaml and its map
(the classical-AI family of the validity map) and copy its tables and map figures into
README.md and docs/ (as docs/generate.py does for the default run).

    python docs/classical_ai_tables.py [DIR]   (make classical-ai; DIR holds that run)

docs/tables/classical_ai.md is the run's results/summary.md (its answer, with the map's
counts) and two blocks of the map: ``map_table`` (the same table as the default
family's, docs/summary_tables.py) and ``regime`` (per model, the state
the family's points reach: rates, and over the AI points ISI CV, Fano factor and
(μ − θ)/σ with both thresholds). The map figures are copied as
docs/figures/classical_ai_map_<model>.png.
"""

import shutil
import sys
from pathlib import Path

import numpy as np

import generate
import summary_tables
from condrate.io import read_csv

PREFIX = "classical_ai_"   # of its figures in docs/figures/ (generate.PRESET_FIGURES)


def span(values, fmt: str) -> str:
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    return "–" if not len(v) else f"{fmt.format(v.min())} to {fmt.format(v.max())}"


def regime(results: Path) -> str:
    """Per model: the g of its AI points, the E rates of all points, and over the AI
    points the ISI CV, the Fano factor and (μ − θ)/σ (θ: the f–I fit's onset; the
    model's V_th where it has one)."""
    lines = ["| model | AI points (g of them) | E rate, all points (Hz) | ISI CV, AI points | "
             "Fano, AI points | (μ − θ)/σ, AI points: f–I onset / V_th |",
             "|---|---|---|---|---|---|"]
    for path in sorted((results / "map").glob("*/map.csv")):
        c = read_csv(path)
        ai = np.array([str(x) == "True" for x in c["asynchronous_irregular"]])  # csv text

        def at(col):
            return [x for x, a in zip(c[col], ai) if a]

        gs = sorted({float(g) for g in at("g")})
        lines.append(
            f"| {path.parent.name} | {int(ai.sum())} of {len(ai)} ({', '.join(f'{g:g}' for g in gs)}) | "
            f"{span(c['rate_E_Hz'], '{:.1f}')} | {span(at('cv_isi'), '{:.2f}')} | "
            f"{span(at('fano'), '{:.2f}')} | {span(at('mean_driven_index'), '{:+.2f}')} / "
            f"{span(at('mean_driven_index_V_th'), '{:+.2f}')} |")
    return "\n".join(lines)


def main(work="results/presets/classical_ai") -> None:
    results = Path(work) / "results"
    summary = results / "summary.md"
    if not summary.exists() or not list((results / "map").glob("*/map.json")):
        raise SystemExit(f"{results}: no summary.md or map; run make classical-ai first")
    blocks = {"map_table": generate.printed(summary_tables.map_table, results),
              "regime": regime(results)}
    text = (summary.read_text().rstrip() + "\n\n## The classical-AI family of the validity map "
            "(docs/classical_ai_tables.py)\n\n"
            + "\n".join(generate.block(name, b) for name, b in blocks.items()))
    (generate.TABLES / "classical_ai.md").write_text(text)
    for path in sorted((results / "figures").glob("map_*.png")):
        shutil.copyfile(path, generate.DOCS / "figures" / f"{PREFIX}{path.name}")
    for page in generate.sync():
        print(f"tables: {page.relative_to(generate.ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
