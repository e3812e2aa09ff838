"""Where a run's time goes: Snakemake's per-job benchmarks summed by kind of job.

    .venv/bin/python bench/dag_time.py [--exclude map] WORKDIR [WORKDIR ...]   (make dag-times)

For each working directory of a finished run (``.``, ``results/presets/fixed_step``):
the jobs and their summed wall time per kind (NEST simulations, specs, gathers, the
analyses and figures), the total, and the wall time of the whole run from the first
to the last job's record in Snakemake's log (.snakemake/log/, the newest). Two cores
run two jobs at a time, so the summed job time is up to twice the wall time.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from datetime import datetime
from pathlib import Path

KINDS = ("simulate", "spec", "gather")


def job_seconds(work: Path, exclude: str | None = None) -> dict:
    """{kind: (jobs, summed seconds)} from benchmarks/**/*.tsv (without the jobs whose
    benchmark path mentions ``exclude``, e.g. "map")."""
    out = {}
    for path in (work / "benchmarks").rglob("*.tsv"):
        if exclude and exclude in str(path.relative_to(work)):
            continue
        with open(path) as fh:
            row = next(csv.DictReader(fh, delimiter="\t"))
        kind = path.stem if path.stem in KINDS else "analysis and figures"
        jobs, total = out.get(kind, (0, 0.0))
        out[kind] = (jobs + 1, total + float(row["s"]))
    return out


def log_wall_s(work: Path, exclude: str | None = None) -> float | None:
    """Seconds from the first to the last timestamp of the newest Snakemake log (the
    newest that does not mention results/<exclude>/)."""
    logs = sorted((work / ".snakemake" / "log").glob("*.snakemake.log"))
    logs = [p for p in logs if not exclude or f"results/{exclude}/" not in p.read_text()]
    if not logs:
        return None
    stamps = re.findall(r"^\[(\w{3} \w{3} +\d+ [\d:]+ \d{4})\]$", logs[-1].read_text(), re.M)
    if not stamps:
        return None
    t = [datetime.strptime(" ".join(x.split()), "%a %b %d %H:%M:%S %Y") for x in stamps]
    return (t[-1] - t[0]).total_seconds()


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("workdirs", nargs="+", type=Path)
    p.add_argument("--exclude", default=None, help="leave out jobs of this kind, e.g. map")
    args = p.parse_args(argv)
    print("| run | NEST simulations: jobs, s | specs | gathers | analyses and figures | "
          "all jobs, s | wall (Snakemake log) |")
    print("|---|---|---|---|---|---|---|")
    for work in args.workdirs:
        js = job_seconds(work, args.exclude)
        if not js:
            sys.exit(f"{work}: no benchmarks/ (run the workflow there first)")
        cells = [f"{js.get(k, (0, 0))[0]}, {js.get(k, (0, 0.0))[1]:.0f}"
                 for k in (*KINDS, "analysis and figures")]
        total = sum(s for _, s in js.values())
        wall = log_wall_s(work, args.exclude)
        wall_cell = "–" if wall is None else f"{wall // 60:.0f} min {wall % 60:.0f} s"
        print(f"| {work} | " + " | ".join(cells) + f" | {total:.0f} | {wall_cell} |")


if __name__ == "__main__":
    main()
