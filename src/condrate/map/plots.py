"""The map's figure: heat maps over (the map's axis, nu_ext) of the network's state and
of each rate prediction's closed-loop error, with the asynchronous-irregular boundary and the
10 % error border drawn on every panel (along the cells' edges)."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm, Normalize, TwoSlopeNorm
from matplotlib.ticker import FuncFormatter

from ..paper.layout import letters, new_figure, styled
from .grid import AXES
from .table import PREDICTORS, TOLERANCE

ERROR_MAX = 1.0  # error colours saturate at 100 %
STATE_PANELS = (("rate_E_Hz", "E rate (Hz)", "log"), ("cv_isi", "ISI CV", "cv"),
                ("fano", "Fano factor", "log"), ("mean_driven_index",
                                                 r"$(\mu-\theta)/\sigma$", "index"))


def grid_values(table: dict, key: str, gs, nus, axis_key: str = "g") -> np.ndarray:
    """(nu_ext, axis) array of a column, NaN where missing (axis: g or the map
    family's own, condrate.map.grid.AXES)."""
    out = np.full((len(nus), len(gs)), np.nan)
    for g, nu, v in zip(table[axis_key], table["nu_ext_Hz"], table[key]):
        if v is not None:
            out[nus.index(nu), gs.index(g)] = float(v)
    return out


def _norm(kind: str, values: np.ndarray):
    finite = values[np.isfinite(values)]
    if kind == "log":
        pos = finite[finite > 0]
        lo, hi = (pos.min(), pos.max()) if pos.size else (0.1, 1.0)
        return LogNorm(max(lo, 0.1), max(hi, lo * 10, 1.0))
    if kind == "index":
        span = max(np.abs(finite).max(), 1.0) if finite.size else 1.0
        return TwoSlopeNorm(0.0, -span, span)
    if kind == "cv":
        return Normalize(0.0, max(2.0, finite.max() if finite.size else 2.0))
    return Normalize(0.0, ERROR_MAX)


def edges(mask: np.ndarray) -> list:
    """Segments along the cell edges between True and False cells of a (rows, columns)
    mask, in image coordinates: the exact border of a region of grid points (a
    contour through the cell centres would cut through points)."""
    rows, cols = mask.shape
    out = []
    for i in range(rows):
        for j in range(cols):
            if j + 1 < cols and mask[i, j] != mask[i, j + 1]:
                out.append([(j + 0.5, i - 0.5), (j + 0.5, i + 0.5)])
            if i + 1 < rows and mask[i, j] != mask[i + 1, j]:
                out.append([(j - 0.5, i + 0.5), (j + 0.5, i + 0.5)])
    return out


def _outline(ax, mask, color, halo, style):
    ax.add_collection(LineCollection(
        edges(mask), colors=color, linewidths=1.2, linestyles=style,
        path_effects=[patheffects.withStroke(linewidth=2.6, foreground=halo)]))


def _panel(ax, values, norm, cmap, title, gs, nus, ai, within=None):
    image = ax.imshow(np.ma.masked_invalid(values), origin="lower", aspect="auto",
                      cmap=cmap, norm=norm, interpolation="nearest")
    ax.set_facecolor("0.85")  # no value: silent point or no stable fixed point
    ax.set_xticks(range(len(gs)), [f"{g:g}" for g in gs])
    ax.set_yticks(range(len(nus)), [f"{nu:g}" for nu in nus])
    ax.set_title(title)
    _outline(ax, ai == 1, "white", "black", (0, (3, 2)))
    if within is not None:
        _outline(ax, within, "black", "white", "solid")
    return image


def from_csv(cols: dict) -> dict:
    """map.csv's columns (condrate.io.read_csv) as the panels take them: the AI verdict
    (text True / False, empty where not judged) as 1, 0 or None."""
    verdict = {"True": 1.0, "False": 0.0}
    return cols | {"asynchronous_irregular": [verdict.get(str(v)) for v in
                                              cols["asynchronous_irregular"]]}


def error_panel(ax, table: dict, key: str, title: str, axis=AXES[0]):
    """The closed-loop error of prediction ``key`` over (the map's axis, nu_ext): colours
    saturating at ERROR_MAX, the 10 % border (black) and the AI border (white, dashed);
    returns the image (for a colour bar)."""
    gs, nus = sorted(set(table[axis.key])), sorted(set(table["nu_ext_Hz"]))
    ai = grid_values(table, "asynchronous_irregular", gs, nus, axis.key)
    err = grid_values(table, f"{key}_rel_error", gs, nus, axis.key)
    within = np.nan_to_num(err, nan=np.inf) <= TOLERANCE
    return _panel(ax, np.minimum(err, ERROR_MAX), _norm("error", err), "magma_r", title,
                  gs, nus, ai, within)


def error_bar(fig, image, axes):
    """The error colour bar shared by ``axes``."""
    bar = fig.colorbar(image, ax=axes, shrink=0.9, aspect=15)
    bar.set_ticks([0, 0.1, 0.5, 1.0], labels=["0", "10 %", "50 %", "≥100 %"])
    return bar


@styled
def validity_map(table: dict, model: str, axis=AXES[0]):
    """2 x 4 panels: E rate, CV, Fano, mean-driven index; the error of (i)-(iv); over
    the map family's axis (condrate.map.grid.Axis, default g) and nu_ext."""
    gs, nus = sorted(set(table[axis.key])), sorted(set(table["nu_ext_Hz"]))

    def values(key):
        return grid_values(table, key, gs, nus, axis.key)

    ai = values("asynchronous_irregular")
    fig = new_figure("double", 95)
    axes = fig.subplots(2, 4, sharex=True, sharey=True)
    for ax, (key, title, kind) in zip(axes[0], STATE_PANELS):
        v = values(key)
        cmap = "RdBu_r" if kind == "index" else "viridis"
        bar = fig.colorbar(_panel(ax, v, _norm(kind, v), cmap, title, gs, nus, ai), ax=ax,
                           shrink=0.9)
        if kind == "log":
            bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
            bar.ax.yaxis.set_minor_formatter(FuncFormatter(lambda x, _: ""))
    for ax, (key, label) in zip(axes[1], PREDICTORS.items()):
        image = error_panel(ax, table, key, label, axis)
    # one error scale for the four predictions, so that the panels stay wide
    error_bar(fig, image, axes[1].tolist())
    for ax in axes.ravel():
        ax.tick_params(axis="x", labelrotation=90)
    for ax in axes[1]:
        ax.set_xlabel(axis.label)
    for ax in axes[:, 0]:
        ax.set_ylabel(r"$\nu_{ext}$ (Hz)")
    letters(axes.ravel())
    return fig
