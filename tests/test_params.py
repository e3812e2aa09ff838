"""Parameter files: units, sign convention, GLIF levels, alpha factor."""

import math

import pytest

from condrate.errors import ConfigError
from condrate.params import MODELS, build_model, load_model, nest_weight
from helpers import ROOT, load_yaml


@pytest.mark.parametrize("name", MODELS)
def test_every_model_file_loads_with_units(name):
    m = load_model(ROOT / "models", name)
    assert m.g_L_nS > 0
    assert m.excitatory.E_rev_mV > m.E_L_mV > m.inhibitory.E_rev_mV


def test_glif_uses_g_m_alpha_synapses_and_ports_1_2():
    m = load_model(ROOT / "models", "glif_cond")
    assert m.leak_conductance == "g_m"
    assert (m.excitatory.receptor_type, m.inhibitory.receptor_type) == (1, 2)
    assert m.excitatory.charge_factor == pytest.approx(math.e)
    assert not m.has_I_e


@pytest.mark.parametrize(
    "level,flags",
    [("GLIF1", (False, False, False)), ("GLIF3", (False, True, False)), ("GLIF5", (True, True, True))],
)
def test_glif_levels_set_the_mechanism_flags(level, flags):
    p = load_model(ROOT / "models", "glif_cond", mechanism=level).nest_params()
    assert (p["spike_dependent_threshold"], p["after_spike_currents"], p["adapting_threshold"]) == flags


def test_hh_rests_with_lowered_leak_reversal():
    m = load_model(ROOT / "models", "hh_cond_exp_traub")
    assert m.E_L_mV == -70.0 and m.V_th_mV is None


def test_inhibition_sign_convention_is_defined_once():
    iaf = load_model(ROOT / "models", "iaf_cond_exp")
    glif = load_model(ROOT / "models", "glif_cond")
    assert nest_weight(iaf, "inhibitory", 2.0) == (-2.0, 0)
    assert nest_weight(glif, "inhibitory", 2.0) == (2.0, 2)
    with pytest.raises(ValueError):
        nest_weight(iaf, "excitatory", -1.0)


def test_wrong_unit_is_named():
    raw = load_yaml(ROOT / "models" / "iaf_cond_exp.yaml")
    raw["params"]["g_L"]["unit"] = "uS"
    with pytest.raises(ConfigError, match=r"params.g_L: unit 'uS' given, NEST uses 'nS'"):
        build_model(raw, "iaf_cond_exp")
