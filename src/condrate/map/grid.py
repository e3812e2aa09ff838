"""The map's grid of operating points (pure functions of the config).

A point is a network of the study's size and in-degrees (with the map's own
overrides, ``map.network``) at inhibition dominance g = G_I / G_E (peak conductances
at the reference in-degrees; G_E from the network parameter file) and external rate
nu_ext (Hz). Its name, ``g<g>-nu<nu_ext>`` (e.g. g24-nu15), is its results folder
``results/map/<model>/<name>``: a point's files depend only on its own settings, so a
map that was stopped resumes where it stopped and a finer grid reuses every point it
shares with a coarser one.
"""

from __future__ import annotations

import copy
import re

from ..errors import ConfigError

NAME = re.compile(r"g(?P<g>[0-9.]+)-nu(?P<nu>[0-9.]+)")


def point_name(g: float, nu_ext_Hz: float) -> str:
    """``g<g>-nu<nu>`` with the shortest exact decimal of each (g24-nu15, g7.5-nu12.5)."""
    return f"g{float(g):g}-nu{float(nu_ext_Hz):g}"


def points(config: dict) -> list[tuple[float, float]]:
    """Every (g, nu_ext_Hz) of the grid, nu_ext fastest."""
    m = config["map"]
    return [(float(g), float(nu)) for g in m["g"] for nu in m["nu_ext_Hz"]]


def point_names(config: dict) -> list[str]:
    return [point_name(g, nu) for g, nu in points(config)]


def parse_point(config: dict, name: str) -> tuple[float, float]:
    """(g, nu_ext_Hz) of a point name; an error for a name that is not on the grid."""
    m = NAME.fullmatch(name)
    grid = dict(zip(point_names(config), points(config)))
    if m is None or name not in grid:
        raise ConfigError(f"map point '{name}' is not on the grid of map.g x map.nu_ext_Hz "
                          f"({', '.join(grid)})")
    return grid[name]


def point_config(config: dict, g: float, nu_ext_Hz: float) -> dict:
    """The config of one point's network run: the study's network section with the
    map's overrides, nu_ext, and g (read by network.experiment.derive), without the
    study's sweeps. The theory.selfconsistent section gets the map's overrides too."""
    out = copy.deepcopy(config)
    m = config["map"]
    net = {k: v for k, v in out["network"].items() if k != "sweeps"}
    net.update(m.get("network", {}))
    net.update(name=point_name(g, nu_ext_Hz), nu_ext_Hz=float(nu_ext_Hz), g_IE=float(g))
    out["network"] = net
    if "theory" in out and "selfconsistent" in out["theory"]:
        out["theory"]["selfconsistent"] = (out["theory"]["selfconsistent"]
                                           | m.get("selfconsistent", {}))
    return out


def map_models(config: dict) -> list[str]:
    """The models the map runs (map.models, default every model of the study)."""
    return list(config.get("map", {}).get("models", config["models"]))


def map_selfconsistent_generations(config: dict) -> int:
    """Generations of the map's self-consistent run (theory.selfconsistent with the
    map's overrides; 0 without a theory.selfconsistent section)."""
    c = config.get("theory", {}).get("selfconsistent")
    return int((c | config["map"].get("selfconsistent", {}))["generations"]) if c else 0
