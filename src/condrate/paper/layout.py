"""Print layout of the composed figures: exact widths, panel letters."""

from __future__ import annotations

import functools

from matplotlib.transforms import ScaledTranslation

from ..plotstyle import DOUBLE, MM, SINGLE, STYLE, plt

WIDTHS = {"single": SINGLE, "double": DOUBLE}
LETTER_PT = 8  # panel letters, bold


def new_figure(width: str, height_mm: float):
    """A figure of exactly 85 mm ("single") or 180 mm ("double") width and the given
    height, laid out by matplotlib's constrained layout (nothing is cropped on saving,
    so the page is the size set here)."""
    return plt.figure(figsize=(WIDTHS[width], height_mm * MM), layout="constrained")


def styled(draw):
    """Run a figure function inside the package style (condrate.mplstyle)."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with plt.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def letter(ax, text: str) -> None:
    """Panel letter at the top left corner of ``ax``, outside the axes by 6 mm."""
    fig = ax.figure
    offset = ScaledTranslation(-6 * MM, 1.5 * MM, fig.dpi_scale_trans)
    ax.text(0.0, 1.0, text, transform=ax.transAxes + offset, fontsize=LETTER_PT,
            fontweight="bold", va="bottom", ha="left")


def letters(axes, start: str = "A") -> None:
    for i, ax in enumerate(axes):
        letter(ax, chr(ord(start) + i))
