"""Neuron parameter files (``models/*.yaml``): loading, unit checks, NEST mapping.

A parameter file names the NEST model, its leak conductance, its threshold parameter,
its two synapse types and every parameter as ``{value, unit}`` in NEST's units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError
from .synapses import CHARGE_FACTOR

# The registry of neuron models: a model is its parameter file models/<name>.yaml plus
# its name here (and, to run as a network, its synapses in models/ei_network.yaml).
MODELS = ("iaf_cond_exp", "glif_cond", "hh_cond_exp_traub", "aeif_cond_exp")

# The integrators a model can run with (config key `integrator`): "nest", NEST's built-in
# model (GSL's adaptive RKF45), or "fixed_step", its version in condrate's NEST module
# (condrate.nestrun.extension; one fixed step per NEST step). NEST model -> module model:
INTEGRATORS = ("nest", "fixed_step")
FIXED_STEP_MODELS = {
    "iaf_cond_exp": "iaf_cond_exp_ee",
    "glif_cond": "glif_cond_ee",
    "hh_cond_exp_traub": "hh_cond_exp_traub_rl",
}

# GLIF mechanism levels -> (spike_dependent_threshold, after_spike_currents,
# adapting_threshold), as in NEST's glif_cond documentation.
GLIF_LEVELS = {
    "GLIF1": (False, False, False),
    "GLIF2": (True, False, False),
    "GLIF3": (False, True, False),
    "GLIF4": (True, True, False),
    "GLIF5": (True, True, True),
}


_UNIT_RULES = (
    (re.compile(r"^C_m$"), "pF"),
    (re.compile(r"^g(_.*)?$"), "nS"),
    (re.compile(r"^(E|V)_.*$"), "mV"),
    (re.compile(r"^(t_ref|tau.*)$"), "ms"),
    (re.compile(r"^I_e$"), "pA"),
)
_INDEXED = re.compile(r"^(\w+)\[(\d+)\]$")


def nest_unit(name: str) -> str | None:
    """NEST's unit for parameter ``name``, or None where condrate does not know it."""
    for pattern, unit in _UNIT_RULES:
        if pattern.match(name):
            return unit
    return None


@dataclass(frozen=True)
class Synapse:
    """One synapse type of a neuron model.

    receptor_type: NEST receptor port; weight_sign: +1 or -1, the sign NEST needs on
    the weight; shape: "exponential" or "alpha"; E_rev_mV: reversal potential (mV);
    tau_ms: conductance time constant (ms).
    """

    receptor_type: int
    weight_sign: int
    shape: str
    E_rev_mV: float
    tau_ms: float
    recordable: str

    @property
    def charge_factor(self) -> float:
        """Dimensionless factor c with mean conductance = c * G * tau * rate."""
        return CHARGE_FACTOR[self.shape]


@dataclass(frozen=True)
class NeuronModel:
    """A neuron model with its parameters in NEST units."""

    name: str
    nest_model: str
    leak_conductance: str
    threshold: str | None
    params: dict = field(hash=False)
    excitatory: Synapse = None
    inhibitory: Synapse = None
    mechanism: str | None = None
    integrator: str = "nest"

    @property
    def g_L_nS(self) -> float:
        return float(self.params[self.leak_conductance])

    @property
    def E_L_mV(self) -> float:
        return float(self.params["E_L"])

    @property
    def V_th_mV(self) -> float | None:
        return None if self.threshold is None else float(self.params[self.threshold])

    @property
    def has_I_e(self) -> bool:
        return "I_e" in self.params

    def nest_params(self) -> dict:
        """Parameter dictionary for nest.Create / SetStatus."""
        out = dict(self.params)
        if self.mechanism is not None:
            flags = GLIF_LEVELS[self.mechanism]
            keys = ("spike_dependent_threshold", "after_spike_currents", "adapting_threshold")
            out.update(dict(zip(keys, flags)))
        return out

    def with_leak(self, g_nS: float) -> dict:
        """NEST parameters with the leak conductance set to ``g_nS`` (nS)."""
        out = self.nest_params()
        out[self.leak_conductance] = float(g_nS)
        return out

    def summary(self) -> dict:
        """Parameters reported with every result."""
        out = {
            "nest_model": self.nest_model,
            "E_L_mV": self.E_L_mV,
            "V_th_mV": self.V_th_mV,
            "g_L_nS": self.g_L_nS,
            "C_m_pF": float(self.params["C_m"]),
        }
        if self.threshold is None and "V_T" in self.params:
            out["V_T_mV"] = float(self.params["V_T"])
        if self.mechanism is not None:
            out["mechanism"] = self.mechanism
        return out

    @property
    def needs_extension(self) -> bool:
        """True when the model lives in condrate's NEST module."""
        return self.integrator == "fixed_step"


def nest_weight(model: NeuronModel, kind: str, G_nS: float) -> tuple[float, int]:
    """The one place where condrate's sign convention meets NEST's.

    condrate carries every conductance as a positive peak G (nS); ``kind`` is
    "excitatory" or "inhibitory". Returns (NEST weight, receptor_type).
    """
    if G_nS < 0:
        raise ValueError(f"conductances are positive in condrate, got {G_nS} nS")
    syn = getattr(model, kind)
    return syn.weight_sign * float(G_nS), syn.receptor_type


def _lookup(params: dict, ref: str, where: str) -> float:
    m = _INDEXED.match(ref)
    name, idx = (m.group(1), int(m.group(2))) if m else (ref, None)
    if name not in params:
        raise ConfigError(f"{where}: refers to parameter '{name}', which is not in params")
    value = params[name]
    return float(value[idx] if idx is not None else value)


def _read_params(raw: dict, where: str) -> dict:
    params = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict) or set(entry) != {"value", "unit"}:
            raise ConfigError(f"{where}.params.{name}: must be {{value: ..., unit: ...}}")
        expected = nest_unit(name)
        if expected is not None and entry["unit"] != expected:
            raise ConfigError(
                f"{where}.params.{name}: unit '{entry['unit']}' given, NEST uses '{expected}'"
            )
        params[name] = entry["value"]
    return params


def build_model(raw: dict, name: str, overrides: dict | None = None, mechanism=None,
                integrator: str = "nest"):
    """Build a :class:`NeuronModel` from a parsed parameter file.

    overrides: {param: value} in NEST units (from the config), applied on top;
    integrator: "nest" or "fixed_step" (the model of condrate's NEST module).
    """
    where = f"models/{name}.yaml"
    params = _read_params(raw["params"], where)
    params.update(overrides or {})
    synapses = {}
    for kind in ("excitatory", "inhibitory"):
        s = raw["synapses"][kind]
        if s["shape"] not in CHARGE_FACTOR:
            raise ConfigError(f"{where}.synapses.{kind}.shape: one of {sorted(CHARGE_FACTOR)}")
        synapses[kind] = Synapse(
            receptor_type=int(s["receptor_type"]),
            weight_sign=int(s["weight_sign"]),
            shape=s["shape"],
            E_rev_mV=_lookup(params, s["E_rev"], f"{where}.synapses.{kind}.E_rev"),
            tau_ms=_lookup(params, s["tau"], f"{where}.synapses.{kind}.tau"),
            recordable=s["recordable"],
        )
    mech = mechanism or raw.get("mechanism")
    if mech is not None and mech not in GLIF_LEVELS:
        raise ConfigError(f"{name}.mechanism: '{mech}' is not one of {sorted(GLIF_LEVELS)}")
    nest_model = raw["nest_model"]
    if integrator == "fixed_step":
        if nest_model not in FIXED_STEP_MODELS:
            raise ConfigError(f"integrator.{name}: no fixed-step version of {nest_model}; "
                              f"there are {sorted(FIXED_STEP_MODELS)}")
        if mech not in (None, "GLIF1"):
            raise ConfigError(f"integrator.{name}: the fixed-step {nest_model} implements GLIF1 "
                              f"only, not {mech}; use integrator nest or glif_mechanism GLIF1")
        nest_model = FIXED_STEP_MODELS[nest_model]
    elif integrator != "nest":
        raise ConfigError(f"integrator.{name}: '{integrator}' is not one of {list(INTEGRATORS)}")
    return NeuronModel(
        name=name,
        nest_model=nest_model,
        leak_conductance=raw["leak_conductance"],
        threshold=raw.get("threshold"),
        params=params,
        mechanism=mech,
        integrator=integrator,
        **synapses,
    )


def model_from_spec(spec: dict) -> NeuronModel:
    """The model of a simulation spec (its parameter file, overrides and mechanism)."""
    return build_model(spec["model_file"], spec["model"], spec["overrides"], spec["mechanism"],
                       spec.get("integrator", "nest"))


def read_model_file(models_dir: str | Path, name: str) -> dict:
    """The parsed parameter file ``models_dir/name.yaml``."""
    path = Path(models_dir) / f"{name}.yaml"
    if not path.exists():
        raise ConfigError(f"model '{name}': no parameter file {path}; known: {list(MODELS)}")
    with open(path) as fh:
        return yaml.safe_load(fh)


def load_model(models_dir: str | Path, name: str, overrides=None, mechanism=None,
               integrator: str = "nest"):
    """Read ``models_dir/name.yaml`` and build the model (see :func:`build_model`)."""
    return build_model(read_model_file(models_dir, name), name, overrides, mechanism, integrator)


def model_spec(config: dict, model: str, root=".") -> tuple:
    """(NeuronModel with the config's overrides, the spec entries that rebuild it with
    :func:`model_from_spec`: parameter file, overrides, mechanism, integrator, summary).

    A spec names its integrator only when it is not NEST's built-in model, so the specs
    (and every result) of a study with NEST's models stay what they were before the
    switch existed."""
    mech = config.get("glif_mechanism") if model == "glif_cond" else None
    overrides = config.get("model_params", {}).get(model, {})
    integrator = config.get("integrator", {}).get(model, "nest")
    raw = read_model_file(Path(root) / config["models_dir"], model)
    neuron = build_model(raw, model, overrides, mech, integrator)
    entries = {"model": model, "model_file": raw, "overrides": overrides,
               "mechanism": neuron.mechanism, "neuron": neuron.summary()}
    if integrator != "nest":
        entries["integrator"] = integrator
    return neuron, entries


def model_from_config(config: dict, model: str, root=".") -> NeuronModel:
    """The :class:`NeuronModel` with the config's overrides applied."""
    return model_spec(config, model, root)[0]
