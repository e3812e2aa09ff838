"""The tiny map end to end through the README's command (`make map`), killed with
SIGKILL part way and resumed by the same command: finished points are kept, the lock
the kill left is released, and the map is complete and consistent."""

import csv
import json
from pathlib import Path

import pytest

from helpers import ROOT, load_yaml

pytestmark = pytest.mark.workflow

MODEL = "iaf_cond_exp"


def test_a_killed_map_resumes_with_the_same_command(tiny_map):
    work, point, kept, locked, stderr = tiny_map
    assert locked, "SIGKILL should have left Snakemake's lock"
    assert "releasing the lock" in stderr
    # the finished point was not simulated again
    assert {p.name: p.stat().st_mtime_ns for p in point.iterdir() if p.is_file()} == kept


def test_tiny_map_table(tiny_map):
    work = tiny_map[0]
    grid = load_yaml(ROOT / "config" / "tiny.yaml")["map"]
    with open(Path(work, "results", "map", MODEL, "map.csv")) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(grid["g"]) * len(grid["nu_ext_Hz"]) == 4
    assert {(float(r["g"]), float(r["nu_ext_Hz"])) for r in rows} == {
        (g, nu) for g in grid["g"] for nu in grid["nu_ext_Hz"]}
    for r in rows:
        assert r["point"] == f"g{float(r['g']):g}-nu{float(r['nu_ext_Hz']):g}"
        assert float(r["rate_E_Hz"]) > 1.0  # every tiny point fires
        assert 0.2 < float(r["cv_isi"]) < 4.0
        # both thresholds of (mu - theta)/sigma: the f-I fit's onset and the model's V_th
        assert float(r["mean_driven_index"]) != float(r["mean_driven_index_V_th"])
        for key in ("linear", "fluct", "selfconsistent"):
            if r[f"{key}_Hz"]:
                err = abs(float(r[f"{key}_Hz"]) - float(r["rate_E_Hz"])) / float(r["rate_E_Hz"])
                assert float(r[f"{key}_rel_error"]) == pytest.approx(err)
    # more inhibition at the same drive: a lower rate, in the network and in f (ii)
    by = {(float(r["g"]), float(r["nu_ext_Hz"])): r for r in rows}
    for nu in grid["nu_ext_Hz"]:
        assert float(by[(24.0, nu)]["rate_E_Hz"]) < float(by[(12.0, nu)]["rate_E_Hz"])
        assert float(by[(24.0, nu)]["fluct_Hz"]) < float(by[(12.0, nu)]["fluct_Hz"])


def test_tiny_map_metadata_and_figure(tiny_map):
    work = tiny_map[0]
    meta = json.loads(Path(work, "results", "map", MODEL, "map.json").read_text())
    assert meta["grid"]["g"] == [12.0, 24.0] and meta["grid"]["points"] == 4
    assert meta["selfconsistent"]["generations"] == 2
    prov = meta["provenance"]
    assert prov["seed"] == 12345 and prov["virtual_processes"] == 2
    assert meta["summary"]["points"] == 4
    assert set(meta["summary"]["predictions"]) == {"linear", "fluct", "semianalytic",
                                                   "selfconsistent"}
    for ext in ("pdf", "png"):
        assert Path(work, "results", "figures", f"map_{MODEL}.{ext}").stat().st_size > 10_000


def test_the_where_table_counts_the_ai_points_of_the_map_csv(tiny_map):
    """docs/summary_tables.where_table (the README's answer to "where do the derived
    equations hold", per family) against a count over map.csv's rows: AI points, and per
    prediction the AI points within 10 % (for (iv) also those where it converged)."""
    import contextlib
    import io
    import sys

    sys.path.insert(0, str(ROOT / "docs"))
    import summary_tables

    work = tiny_map[0]
    with open(Path(work, "results", "map", MODEL, "map.csv")) as fh:
        rows = [r for r in csv.DictReader(fh) if r["asynchronous_irregular"] == "True"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        summary_tables.where_table(str(Path(work, "results")))
    line = next(x for x in out.getvalue().splitlines() if x.startswith(f"| {MODEL} |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1] == f"{len(rows)} of 4"
    firing = [r for r in rows if float(r["rate_E_Hz"]) >= 1.0]  # errors count from 1 Hz
    for cell, key in zip(cells[2:], ("linear", "fluct", "semianalytic", "selfconsistent")):
        within = [r for r in firing
                  if r[f"{key}_rel_error"] and float(r[f"{key}_rel_error"]) <= 0.1]
        assert cell.startswith(f"{len(within)} of {len(rows)}"), (key, cell)
    converged = [r for r in firing if r["selfconsistent_converged"] == "True"]
    within = [r for r in converged if float(r["selfconsistent_rel_error"]) <= 0.1]
    assert cells[5].endswith(f"(at converged AI points: {len(within)} of {len(converged)})")
