"""The map's two simulated experiments (registered in condrate.experiments):

* a point: the E/I network at one (g, nu_ext), built by the network stage's own
  create/connect phases (``results/map/<model>/<point>``);
* the self-consistent single neurons (iv) for every point of the map at once, one
  group per point with its own nu_ext and G_I or adaptation, generation by generation
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
    x, nu = grid.parse_point(config, point)
    cfg = grid.point_config(config, x, nu, axis_models(config, model_name, root))
    spec = network.network_spec(cfg, model_name, point, root)
    return spec | {"kind": "map_point", "map_point": {grid.axis(config).key: x, "nu_ext_Hz": nu}}


def iterated_spec(config: dict, model_name: str, root=".", generation="g0",
                  previous_spec=None, previous_spikes=None) -> dict:
    """One self-consistent generation over every map point (groups in grid order), each
    group with its point's G_I (g axis) or NEST parameters (adaptation strength)."""
    pts, ax = grid.points(config), grid.axis(config)
    models = axis_models(config, model_name, root)
    # the spec's own model: the first point's g, or the adaptation as filed (each group
    # sets its own)
    cfg = grid.point_config(config, pts[0][0] if ax.key == "g" else 1.0, pts[0][1], models)
    spec = network.network_spec(cfg, model_name, cfg["network"]["name"], root)
    groups = [{"point": grid.point_name(x, nu, ax.prefix), "nu_ext_Hz": nu} for x, nu in pts]
    if ax.key == "g":
        G_I_per_g = spec["derived"]["G_I_nS"] / pts[0][0]  # G_I is proportional to g
        groups = [grp | {"G_I_nS": G_I_per_g * x} for grp, (x, _) in zip(groups, pts)]
    else:
        slow_ms = config.get("adaptation", {}).get("slow_ms")

        def own(x):  # a two-model network's pair loop: per population (selfconsistent_pair)
            each = [grid.strength_params(m, x, slow_ms) for m in models]
            return dict(zip(("E", "I"), each)) if len(each) == 2 else each[0]

        groups = [grp | {"nest_params": own(x)} for grp, (x, _) in zip(groups, pts)]
    return sc.iterated_spec(spec, cfg, generation, groups, previous_spec, previous_spikes,
                            kind="map_selfconsistent")


def axis_models(config: dict, model_name: str, root=".") -> list:
    """The models as the config gives them (file and model_params) where the map's axis
    changes them (adaptation strength): ``model_name``'s, and for a two-model network
    its I population's model too; none for the g axis."""
    from ..network.experiment import inhibitory_model_name, read_network_file
    from ..params import model_spec

    if grid.axis(config).key == "g":
        return []
    name_I = inhibitory_model_name(read_network_file(config, model_name, root), model_name)
    return [model_spec(config, name, root)[0] for name in filter(None, (model_name, name_I))]


POINT = Experiment(kind="map_point", path=POINT_PATH, sections=("network", "map"),
                   spec=point_spec, build=network.build)

ITERATED = Experiment(kind="map_selfconsistent", path=ITERATED_PATH,
                      sections=("network", "theory.selfconsistent", "map"),
                      spec=iterated_spec, build=sc.build,
                      inputs=partial(sc.previous_generation, path=ITERATED_PATH))
