import pytest

from condrate.errors import ConfigError
from condrate.map import grid


def test_points_and_names_cover_the_grid(default_config):
    m = default_config["map"]
    pts = grid.points(default_config)
    assert len(pts) == len(m["g"]) * len(m["nu_ext_Hz"]) >= 30
    names = grid.point_names(default_config)
    assert len(set(names)) == len(names)
    assert "g24-nu15" in names  # the study's own g and nu_ext are on the grid
    for name, pt in zip(names, pts):
        assert grid.parse_point(default_config, name) == pt


def test_names_are_short_and_exact():
    assert grid.point_name(24.0, 15.0) == "g24-nu15"
    assert grid.point_name(7.5, 12.5) == "g7.5-nu12.5"


@pytest.mark.parametrize("name", ["g25-nu15", "g24-nu15.5", "default", "g24"])
def test_a_point_off_the_grid_is_refused(default_config, name):
    with pytest.raises(ConfigError, match="not on the grid"):
        grid.parse_point(default_config, name)


def test_point_config_changes_only_the_point(default_config):
    cfg = grid.point_config(default_config, 9.0, 20.0)
    net, study = cfg["network"], default_config["network"]
    assert (net["g_IE"], net["nu_ext_Hz"], net["name"]) == (9.0, 20.0, "g9-nu20")
    assert "sweeps" not in net
    for key, value in default_config["map"]["network"].items():
        assert net[key] == value
    assert net["K_E"] == study["K_E"] and net["K_ext"] == study["K_ext"]
    sc = cfg["theory"]["selfconsistent"]
    assert sc["neurons_per_level"] == default_config["map"]["selfconsistent"]["neurons_per_level"]
    assert sc["levels"] == default_config["theory"]["selfconsistent"]["levels"]
    assert default_config["network"].get("g_IE") is None  # the study's config is untouched


def test_map_generations_take_the_override(tiny_config, default_config):
    assert grid.map_selfconsistent_generations(tiny_config) == 2
    assert (grid.map_selfconsistent_generations(default_config)
            == default_config["theory"]["selfconsistent"]["generations"])


def strength_map(config: dict, models=("aeif_cond_exp_rs",)) -> dict:
    """``config`` with a map over adaptation strength (the default's g list kept, as a
    preset merged on it keeps it)."""
    config["map"] |= {"axis": "adaptation_strength", "adaptation_strength": [0.0, 0.5, 2.0],
                      "models": list(models)}
    return config


def test_an_adaptation_strength_axis_names_its_points_and_scales_the_parameters(default_config):
    from condrate.params import model_from_config

    from helpers import ROOT

    config = strength_map(default_config)
    names = grid.point_names(config)
    assert names[:2] == ["a0-nu5", "a0-nu10"] and "a2-nu15" in names
    assert len(names) == 3 * len(config["map"]["nu_ext_Hz"])
    assert grid.parse_point(config, "a0.5-nu20") == (0.5, 20.0)
    with pytest.raises(ConfigError, match="map.adaptation_strength"):
        grid.parse_point(config, "g24-nu15")  # a g point is not on this grid
    model = model_from_config(config, "aeif_cond_exp_rs", ROOT)
    cfg = grid.point_config(config, 2.0, 15.0, [model])
    # models/aeif_cond_exp_rs.yaml: a = 4 nS, b = 80.5 pA (Brette & Gerstner 2005)
    assert cfg["model_params"]["aeif_cond_exp_rs"] == {"a": 8.0, "b": 161.0}
    assert cfg["network"]["name"] == "a2-nu15" and "g_IE" not in cfg["network"]
    assert "model_params" not in default_config or "aeif_cond_exp_rs" not in \
        default_config["model_params"]  # the study's config untouched


def test_a_glif_strength_scales_only_its_slow_after_spike_current(default_config):
    from condrate.params import model_from_config

    from helpers import ROOT

    config = strength_map(default_config)
    model = model_from_config(config, "glif_cond_asc", ROOT)
    fast_slow = model.params["asc_amps"]
    # with the adaptation study's slow_ms (50 ms) only the 333 ms current is scaled ...
    scaled = grid.strength_params(model, 0.5, slow_ms=50.0)["asc_amps"]
    taus = [1.0 / k for k in model.params["asc_decay"]]
    slow = [i for i, t in enumerate(taus) if t >= 50.0]
    assert len(slow) == 1 and len(taus) == 2
    for i, (a, b) in enumerate(zip(scaled, fast_slow)):
        assert a == (0.5 * b if i in slow else b)
    # ... without it, both
    assert grid.strength_params(model, 0.5)["asc_amps"] == [0.5 * a for a in fast_slow]


def test_map_axis_errors_name_the_key(default_config):
    from condrate.config import map_errors
    from condrate.params import model_from_config

    from helpers import ROOT

    config = strength_map(default_config, models=("iaf_cond_exp",))
    config["models"] = ["iaf_cond_exp"]
    neurons = {"iaf_cond_exp": model_from_config(config, "iaf_cond_exp", ROOT)}
    assert any("map.adaptation_strength: iaf_cond_exp has no adaptation mechanism" in e
               for e in map_errors(config, neurons))
    del config["map"]["adaptation_strength"]
    assert any(e.startswith("map.adaptation_strength: missing") for e in map_errors(config))
