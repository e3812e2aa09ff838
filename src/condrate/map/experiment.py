"""The map's two simulated experiments (registered in condrate.experiments):

* a point: the E/I network at one (g, nu_ext), built by the network stage's own
  create/connect phases (``results/map/<model>/<point>``);
* the self-consistent single neurons (iv) for every point of the map at once, one
  group per point with its own G_I and nu_ext, generation by generation
  (``results/map/<model>/selfconsistent/g<n>``): one NEST job per generation for the
  whole map instead of one per point, as the iteration's cost is mostly start-up.
"""

from __future__ import annotations

from functools import partial

from ..network import experiment as network
from ..protocol import Experiment
from ..theory import selfconsistent as sc
from . import grid

POINT_PATH = "map/{model}/{point}"
ITERATED_PATH = "map/{model}/selfconsistent/{generation}"


def point_spec(config: dict, model_name: str, root=".", point=None) -> dict:
    """The network spec of one map point (the network stage's spec, kind map_point)."""
    g, nu = grid.parse_point(config, point)
    spec = network.network_spec(grid.point_config(config, g, nu), model_name, point, root)
    return spec | {"kind": "map_point", "map_point": {"g": g, "nu_ext_Hz": nu}}


def iterated_spec(config: dict, model_name: str, root=".", generation="g0",
                  previous_spec=None, previous_spikes=None) -> dict:
    """One self-consistent generation over every map point (groups in grid order)."""
    pts = grid.points(config)
    cfg = grid.point_config(config, *pts[0])
    spec = network.network_spec(cfg, model_name, cfg["network"]["name"], root)
    G_I_per_g = spec["derived"]["G_I_nS"] / pts[0][0]  # G_I is proportional to g
    groups = [{"point": grid.point_name(g, nu), "nu_ext_Hz": nu, "G_I_nS": G_I_per_g * g}
              for g, nu in pts]
    return sc.iterated_spec(spec, cfg, generation, groups, previous_spec, previous_spikes,
                            kind="map_selfconsistent")


POINT = Experiment(kind="map_point", path=POINT_PATH, sections=("network", "map"),
                   spec=point_spec, build=network.build)

ITERATED = Experiment(kind="map_selfconsistent", path=ITERATED_PATH,
                      sections=("network", "theory.selfconsistent", "map"),
                      spec=iterated_spec, build=sc.build,
                      inputs=partial(sc.previous_generation, path=ITERATED_PATH))
