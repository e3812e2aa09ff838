"""The look of every figure (one style) and saving (vector PDF + 300 dpi PNG, fixed
metadata for stable bytes)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .io import atomic_path  # noqa: E402

STYLE = {
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.0,
    "savefig.dpi": 300,
    "pdf.fonttype": 42,
}


def save(fig, pdf_path, png_path) -> None:
    """Save ``fig`` as PDF and PNG atomically, without creation dates."""
    for path, fmt, meta in (
        (pdf_path, "pdf", {"CreationDate": None, "ModDate": None}),
        (png_path, "png", {"Software": None}),
    ):
        with atomic_path(path, "." + fmt) as tmp:
            fig.savefig(tmp, format=fmt, metadata=meta, bbox_inches="tight")
    plt.close(fig)

