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


def test_the_answers_map_table_counts_what_map_csv_holds(tiny_map):
    """summary.md's map table (the one the README shows for each family) against a count
    over map.csv's rows: per prediction the firing points and the AI points within 10 %,
    and for (iv) the AI points within 10 % among those where it converged."""
    from condrate.theory.predictors import PREDICTORS

    work = tiny_map[0]
    with open(Path(work, "results", "map", MODEL, "map.csv")) as fh:
        rows = list(csv.DictReader(fh))
    firing = [r for r in rows if float(r["rate_E_Hz"]) >= 1.0]  # errors count from 1 Hz
    ai = [r for r in rows if r["asynchronous_irregular"] == "True"]
    text = Path(work, "results", "summary.md").read_text()
    table = text[text.index("<!-- table:map -->"):text.index("<!-- /table -->",
                                                             text.index("<!-- table:map -->"))]
    cells = {c[1]: c for c in ([x.strip() for x in line.strip("|").split("|")]
                               for line in table.splitlines() if line.startswith(f"| {MODEL} |"))}

    def within(group, key):
        return [r for r in group if r in firing and r[f"{key}_rel_error"]
                and float(r[f"{key}_rel_error"]) <= 0.1]

    for p in PREDICTORS:
        row = cells[p.heading]
        assert row[2].startswith(f"{len(within(firing, p.key))} of {len(firing)}"), (p.key, row)
        assert row[3].startswith(f"{len(within(ai, p.key))} of {len(ai)}"), (p.key, row)
    converged = [r for r in ai if r in firing and r["selfconsistent_converged"] == "True"]
    loop = next(p for p in PREDICTORS if p.key == "selfconsistent")
    assert cells[loop.heading][3].endswith(
        f"(converged: {len(within(converged, 'selfconsistent'))} of {len(converged)})")
