"""The map's grid of operating points (pure functions of the config).

A map family is one axis (:data:`AXES`, ``map.axis``) against the external rate nu_ext (Hz), each
point a network of the study's size and in-degrees (with the map's own overrides,
``map.network``):

* ``g``: inhibition dominance g = G_I / G_E (peak conductances at the reference
  in-degrees; G_E from the network parameter file);
* ``adaptation_strength``: the model's adaptation times a factor, as the adaptation
  study's strengths (its mechanisms slower than adaptation.slow_ms; time constants
  kept; condrate.theory.adaptation.strength_overrides), g the study's.

A point's name, ``<prefix><value>-nu<nu_ext>`` (g24-nu15, a0.5-nu12.5), is its results
folder ``results/map/<model>/<name>``: a point's files depend only on its own settings,
so a map that was stopped resumes where it stopped and a finer grid reuses every point
it shares with a coarser one.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from ..errors import ConfigError


@dataclass(frozen=True)
class Axis:
    """The axis of a map family besides nu_ext."""

    key: str  # its list under ``map``, its column of map.csv and its key in a point's spec
    prefix: str  # of a point's name
    label: str  # of the figure's axis (matplotlib)
    definition: str  # for map.json


AXES = (
    Axis("g", "g", r"$g = G_I/G_E$",
         "G_I / G_E, peak conductances at the reference in-degrees (the study's network "
         "file gives G_E)"),
    Axis("adaptation_strength", "a", "adaptation strength (×)",
         "the strength of every adaptation mechanism slower than adaptation.slow_ms "
         "(all without it) times this factor, time constants kept (as the adaptation "
         "study's strengths; condrate.theory.adaptation.strength_overrides); g the "
         "study's"),
)
BY_KEY = {a.key: a for a in AXES}
NAME = re.compile(r"(?P<prefix>[a-z]+)(?P<x>[0-9.]+)-nu(?P<nu>[0-9.]+)")


def axis(config: dict) -> Axis:
    """The axis of the config's map: map.axis (default g), whose list the map section
    gives (a preset merged on the default config keeps the default's g list)."""
    return BY_KEY[config["map"].get("axis", "g")]


def point_name(x: float, nu_ext_Hz: float, prefix: str = "g") -> str:
    """``<prefix><x>-nu<nu>`` with the shortest exact decimal of each (g24-nu15,
    a0.5-nu12.5)."""
    return f"{prefix}{float(x):g}-nu{float(nu_ext_Hz):g}"


def points(config: dict) -> list[tuple[float, float]]:
    """Every (axis value, nu_ext_Hz) of the grid, nu_ext fastest."""
    m = config["map"]
    return [(float(x), float(nu)) for x in m[axis(config).key] for nu in m["nu_ext_Hz"]]


def point_names(config: dict) -> list[str]:
    prefix = axis(config).prefix
    return [point_name(x, nu, prefix) for x, nu in points(config)]


def parse_point(config: dict, name: str) -> tuple[float, float]:
    """(axis value, nu_ext_Hz) of a point name; an error for a name not on the grid."""
    m = NAME.fullmatch(name)
    grid = dict(zip(point_names(config), points(config)))
    if m is None or name not in grid:
        raise ConfigError(f"map point '{name}' is not on the grid of map.{axis(config).key} "
                          f"x map.nu_ext_Hz ({', '.join(grid)})")
    return grid[name]


def point_config(config: dict, x: float, nu_ext_Hz: float, models=()) -> dict:
    """The config of one point's network run: the study's network section with the
    map's overrides and nu_ext, without the study's sweeps, and the axis: g (read by
    network.experiment.derive) or the adaptation strength, as NEST parameter overrides
    of each of ``models`` (the NeuronModels of the network's populations as the config
    gives them: one, or the E and the I model of a two-model network) on top of the
    config's own. The theory.selfconsistent section gets the map's overrides too."""
    out = copy.deepcopy(config)
    m, ax = config["map"], axis(config)
    net = {k: v for k, v in out["network"].items() if k != "sweeps"}
    net.update(m.get("network", {}))
    net.update(name=point_name(x, nu_ext_Hz, ax.prefix), nu_ext_Hz=float(nu_ext_Hz))
    if ax.key == "g":
        net["g_IE"] = float(x)
    else:
        for model in models:
            own = out.setdefault("model_params", {}).setdefault(model.name, {})
            own.update(strength_params(model, x, config.get("adaptation", {}).get("slow_ms")))
    out["network"] = net
    if "theory" in out and "selfconsistent" in out["theory"]:
        out["theory"]["selfconsistent"] = (out["theory"]["selfconsistent"]
                                           | m.get("selfconsistent", {}))
    return out


def strength_params(model, factor: float, slow_ms=None) -> dict:
    """NEST parameter overrides of ``model`` at ``factor`` times its adaptation: every
    mechanism of its file's ``adaptation`` at least ``slow_ms`` slow (the adaptation
    study's averaged variables and its strengths; all without ``slow_ms``)."""
    from ..theory import adaptation as ad

    mechanisms = ad.from_model(model)
    if slow_ms is not None:
        mechanisms = mechanisms.slow(slow_ms)
    return ad.strength_overrides(model.params, mechanisms, factor)


def map_models(config: dict) -> list[str]:
    """The models the map runs (map.models, default every model with a network of its
    own: network.models, default every model of the study)."""
    default = config.get("network", {}).get("models", config["models"])
    return list(config.get("map", {}).get("models", default))


def map_selfconsistent_generations(config: dict) -> int:
    """Generations of the map's self-consistent run (theory.selfconsistent with the
    map's overrides; 0 without a theory.selfconsistent section)."""
    c = config.get("theory", {}).get("selfconsistent")
    return int((c | config["map"].get("selfconsistent", {}))["generations"]) if c else 0
