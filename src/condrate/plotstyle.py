"""The look of every figure (one style file, condrate.mplstyle), the palette and print
widths, and saving (vector PDF + 300 dpi PNG, fixed metadata for stable bytes)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .io import atomic_path  # noqa: E402

STYLE_FILE = Path(__file__).with_name("condrate.mplstyle")
STYLE = matplotlib.rc_params_from_file(STYLE_FILE, use_default_template=False)

MM = 1 / 25.4  # inches per millimetre
SINGLE = 85 * MM  # one journal column (in)
DOUBLE = 180 * MM  # two columns (in)

from .palette import BLACK, BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION, YELLOW  # noqa: E402,F401

POPULATION = {"E": VERMILLION, "I": BLUE}
MODEL = {"iaf_cond_exp": BLUE, "glif_cond": VERMILLION, "hh_cond_exp_traub": GREEN,
         "aeif_cond_exp": PURPLE}


def save(fig, pdf_path, png_path) -> None:
    """Save ``fig`` at its set size as PDF and PNG atomically, without creation dates,
    under the style (its TrueType font embedding and resolution apply at saving)."""
    for path, fmt, meta in (
        (pdf_path, "pdf", {"CreationDate": None, "ModDate": None}),
        (png_path, "png", {"Software": None}),
    ):
        with atomic_path(path, "." + fmt) as tmp, plt.rc_context(STYLE):
            fig.savefig(tmp, format=fmt, metadata=meta)
    plt.close(fig)
