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
