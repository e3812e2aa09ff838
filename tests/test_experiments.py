"""The experiment registry: every experiment follows the protocol, and the results
folders map back to their experiment and wildcards."""

import pytest

from condrate import experiments
from condrate.errors import ConfigError


def test_every_experiment_provides_the_protocol():
    assert set(experiments.registry()) == {"fi", "network", "openloop", "calibration",
                                            "calibration_inhibitory",
                                            "feedback", "selfconsistent", "map_point",
                                            "map_selfconsistent", "adapted_fi", "adapted_step"}
    for kind, exp in experiments.registry().items():
        assert exp.kind == kind and "{model}" in exp.path
        assert all(callable(f) for f in (exp.spec, exp.build))
        assert exp.sections


@pytest.mark.parametrize("path,kind,wildcards", [
    ("fi/glif_cond", "fi", {"model": "glif_cond"}),
    ("network/iaf_cond_exp/default-K400", "network",
     {"model": "iaf_cond_exp", "run": "default-K400"}),
    ("theory/hh_cond_exp_traub/openloop", "openloop", {"model": "hh_cond_exp_traub"}),
    ("theory/glif_cond/calibration", "calibration", {"model": "glif_cond"}),
    ("theory/iaf_cond_exp/feedback", "feedback", {"model": "iaf_cond_exp"}),
    ("theory/glif_cond/selfconsistent/g3", "selfconsistent",
     {"model": "glif_cond", "generation": "g3"}),
    ("map/iaf_cond_exp/g24-nu15", "map_point", {"model": "iaf_cond_exp", "point": "g24-nu15"}),
    ("map/hh_cond_exp_traub/selfconsistent/g1", "map_selfconsistent",
     {"model": "hh_cond_exp_traub", "generation": "g1"}),
    ("adaptation/glif_cond_asc/fi/reference", "adapted_fi",
     {"model": "glif_cond_asc", "part": "reference"}),
    ("adaptation/aeif_cond_exp_rs/fi/s0.5", "adapted_fi",
     {"model": "aeif_cond_exp_rs", "part": "s0.5"}),
    ("adaptation/aeif_cond_exp_rs/step", "adapted_step", {"model": "aeif_cond_exp_rs"}),
])
def test_results_folder_names_its_experiment(path, kind, wildcards):
    exp, values = experiments.match_path(path)
    assert exp.kind == kind and values == wildcards


@pytest.mark.parametrize("path", ["theory/iaf_cond_exp/closedloop", "fi", "network/x",
                                  "fi/iaf_cond_exp/extra"])
def test_other_folders_are_refused(path):
    with pytest.raises(ConfigError, match="not the folder of any experiment"):
        experiments.match_path(path)


def test_a_generation_reads_the_one_before():
    exp = experiments.get("selfconsistent")
    assert experiments.extra_inputs(exp, {"model": "iaf_cond_exp", "generation": "g0"}) == {}
    assert experiments.extra_inputs(exp, {"model": "iaf_cond_exp", "generation": "g2"}) == {
        "previous_spec": "results/theory/iaf_cond_exp/selfconsistent/g1/spec.json",
        "previous_spikes": "results/theory/iaf_cond_exp/selfconsistent/g1/spikes.parquet"}
    with pytest.raises(ConfigError, match="generation 'x1' is not g0, g1"):
        experiments.extra_inputs(exp, {"model": "iaf_cond_exp", "generation": "x1"})
    mapped = experiments.get("map_selfconsistent")
    assert experiments.extra_inputs(mapped, {"model": "glif_cond", "generation": "g1"}) == {
        "previous_spec": "results/map/glif_cond/selfconsistent/g0/spec.json",
        "previous_spikes": "results/map/glif_cond/selfconsistent/g0/spikes.parquet"}


def test_unknown_kind_is_named():
    with pytest.raises(ConfigError, match="spec kind 'sweep' is not one of"):
        experiments.get("sweep")
