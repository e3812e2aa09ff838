"""The Snakemake report of the tiny run, opened in headless Chromium: every figure and
table of the run is in it, every image decodes, and the page logs no errors."""

import json
import shutil
import subprocess

import pytest

from helpers import PYTHON, ROOT

pytestmark = pytest.mark.workflow


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is missing")
def test_report_opens_in_chromium_with_every_figure(tiny_paper):
    report = tiny_paper / "results" / "report.html"
    shot = tiny_paper / "results" / "report_landing.png"
    proc = subprocess.run([PYTHON, str(ROOT / "tests" / "tools" / "report_browser.py"),
                           str(report), str(shot)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout)
    assert seen["console_errors"] == [] and seen["page_errors"] == []
    assert seen["failed_requests"] == []
    assert {"1. Answer", "f-I curves", "Network", "Rate theory", "Paper figures",
            "Tables"} <= set(seen["categories"])
    # the landing page opens on the run's answer (results/summary.rst), not the job graph
    landing = seen["landing_text"]
    assert "Do rate equations derived from conductance-based neurons" in landing
    summary = json.loads((tiny_paper / "results" / "summary.json").read_text())
    for model in summary["models"]:
        assert model in landing
    assert "(iv) self-consistent single neurons" in landing
    assert "results/summary.md" in seen["files"]
    expected = {str(p.relative_to(tiny_paper)) for d in ("figures", "paper")
                for p in (tiny_paper / "results" / d).glob("*.png")}
    expected |= {str(p.relative_to(tiny_paper))
                 for p in (tiny_paper / "results" / "tables").glob("*.csv")}
    assert expected <= set(seen["files"]), expected - set(seen["files"])
    for name, view in seen["files"].items():
        if name.endswith(".png"):
            assert view["images"] and all(i["complete"] and i["width"] > 0
                                          for i in view["images"]), name
    assert shot.stat().st_size > 10_000
    kept = ROOT / "results" / "report_landing.png"  # results/ is git-ignored
    kept.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, kept)
