"""The map's specs: a point is the study's network with G_I = g G_E; the self-consistent
run has one group per point with that point's G_I and drive."""

from condrate.map import experiment, grid
from condrate.network.experiment import network_spec

from helpers import ROOT


def test_point_spec_sets_inhibition_from_g(default_config):
    spec = experiment.point_spec(default_config, "iaf_cond_exp", ROOT, point="g12-nu20")
    d, net = spec["derived"], spec["network"]
    study = network_spec(default_config, "iaf_cond_exp", "default", ROOT)["derived"]
    # ei_network.yaml: G_E 1 nS, G_I 24 nS at K_ref = the study's in-degrees
    assert d["G_EE_nS"] == study["G_EE_nS"] == 1.0
    assert study["G_I_nS"] == 24.0 and d["G_I_nS"] == 12.0
    assert net["nu_ext_Hz"] == 20.0 and net["N_E"] == default_config["map"]["network"]["N_E"]
    assert spec["kind"] == "map_point" and spec["map_point"] == {"g": 12.0, "nu_ext_Hz": 20.0}
    assert "map" in spec["config"]


def test_the_study_network_spec_is_unchanged_by_the_map(default_config):
    """The map section must not reach the study's specs (their bytes stay)."""
    without = {k: v for k, v in default_config.items() if k != "map"}
    a = network_spec(default_config, "glif_cond", "default", ROOT)
    b = network_spec(without, "glif_cond", "default", ROOT)
    assert "g_IE" not in a["network"]
    assert a["derived"] == b["derived"] and a["network"] == b["network"]


def test_iterated_spec_has_one_group_per_point(tiny_config):
    spec = experiment.iterated_spec(tiny_config, "iaf_cond_exp", ROOT, generation="g0")
    names = grid.point_names(tiny_config)
    assert [grp["point"] for grp in spec["groups"]] == names
    G = {grp["point"]: grp["G_I_nS"] for grp in spec["groups"]}
    assert G["g24-nu10"] == 2 * G["g12-nu10"] == G["g24-nu20"]
    assert {grp["nu_ext_Hz"] for grp in spec["groups"]} == {10.0, 20.0}
    assert spec["neurons_per_level"] == tiny_config["map"]["selfconsistent"]["neurons_per_level"]
    assert spec["kind"] == "map_selfconsistent" and spec["generation"] == 0
