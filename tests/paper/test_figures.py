"""The composed paper figures of the tiny run: print size, embedded TrueType fonts, text
size, resolution; and the paper stage's own bookkeeping."""

import re
import subprocess

import matplotlib.image
import numpy as np
import pytest
from matplotlib.text import Text

from condrate.paper import figures
from condrate.paper.stage import READERS, per_model
from condrate.plotstyle import STYLE
from helpers import ROOT

pytestmark = pytest.mark.workflow

PT_PER_MM = 72 / 25.4
CLAIMS = ("threshold_shift", "network", "theory", "dynamics", "benchmark")


def test_style_file_sets_print_text_sizes_and_truetype():
    for key in ("font.size", "axes.labelsize", "axes.titlesize", "legend.fontsize",
                "xtick.labelsize", "ytick.labelsize"):
        assert float(STYLE[key]) >= 7, key
    assert STYLE["pdf.fonttype"] == 42 and STYLE["savefig.bbox"] in (None, "standard")


@pytest.mark.parametrize("claim", CLAIMS)
def test_pdf_is_180_mm_wide_with_embedded_truetype_fonts(tiny_paper, claim):
    pdf = tiny_paper / "results" / "paper" / f"{claim}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts",
                                         info.stdout).groups())
    assert width == pytest.approx(180 * PT_PER_MM, abs=0.5)
    assert 40 * PT_PER_MM < height < 240 * PT_PER_MM  # within a journal page
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts, "no fonts in the PDF"
    for line in fonts:
        assert "TrueType" in line, line
        emb = line.split()[-5]  # columns: name type [encoding] emb sub uni object ID
        assert emb == "yes", line


@pytest.mark.parametrize("claim", CLAIMS)
def test_png_is_300_dpi_at_print_width(tiny_paper, claim):
    png = matplotlib.image.imread(tiny_paper / "results" / "paper" / f"{claim}.png")
    assert abs(png.shape[1] - 180 / 25.4 * 300) <= 1  # matplotlib floors the pixel size


def _inputs(work, claim, models):
    """The paper rule's inputs of ``claim`` for the tiny run, read as the stage does."""
    pattern = {
        "threshold_shift": {"curves": "fi/{m}/fi_curves.csv", "fit": "fi/{m}/threshold_fit.json"},
        "network": {"spikes": "network/{m}/default/spikes.parquet",
                    "stats": "network/{m}/default/stats.json"},
        "theory": {"rows": "theory/{m}/verification.csv", "summary": "theory/{m}/summary.json",
                   "selfconsistent": "theory/{m}/selfconsistent.json",
                   "feedback": "theory/{m}/uniform_feedback.json"},
        "dynamics": {"table": "theory/{m}/step_dynamics.csv",
                     "summary": "theory/{m}/step_dynamics.json"},
    }[claim]
    assert list(pattern) == list(READERS[claim])
    files = {k: [str(work / "results" / v.format(m=m)) for m in models]
             for k, v in pattern.items()}
    return per_model(claim, models, files)


@pytest.mark.parametrize("claim", CLAIMS[:4])
def test_every_text_is_at_least_7_pt_and_every_axis_has_a_label(tiny_paper, claim):
    models = ["iaf_cond_exp", "hh_cond_exp_traub"]
    fig = getattr(figures, claim)(_inputs(tiny_paper, claim, models))
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    assert sizes and min(sizes) >= 7
    for ax in fig.axes:
        if ax.get_visible() and ax.has_data():
            assert ax.get_xlabel() or ax.get_xticklabels(), ax
            assert ax.get_ylabel() or ax is not fig.axes[0], ax
    letters = [t.get_text() for t in fig.findobj(Text) if t.get_fontweight() == "bold"]
    assert letters[:2] == ["A", "B"]


def test_captions_carry_the_runs_numbers(tiny_paper):
    captions = (tiny_paper / "results" / "paper" / "captions.rst").read_text()
    for claim in CLAIMS:
        assert f'snakemake.wildcards.claim == "{claim}"' in captions
    fit = (tiny_paper / "results" / "tables" / "threshold_fits.csv").read_text().splitlines()
    header, first = fit[0].split(","), fit[1].split(",")
    v_theta = float(first[header.index("v_theta_mV")])
    assert f"{first[0]} v_θ = {v_theta:.1f} mV" in captions
    rows = np.array([line.split(",") for line in fit[1:]])
    assert set(rows[:, header.index("condition")]) <= {"deterministic", "noisy"}


def test_benchmark_figure_says_whose_machine_it_draws(tiny_paper):
    """Without this machine's `make bench` (results/bench/network.json), Figure 5 draws
    the committed reference benchmark and its caption says so."""
    assert not (tiny_paper / "results" / "bench" / "network.json").exists()
    caption = (tiny_paper / "results" / "paper" / "benchmark.rst").read_text()
    assert caption.startswith("Benchmark of the reference machine")
    from condrate.paper import captions, stage

    own = stage.benchmark_data(str(ROOT / "bench" / "results" / "network.json"))
    assert own["reference"] is True
    assert captions.benchmark(own | {"reference": False}).startswith(
        "Benchmark of this machine (make bench)")
