"""Neuron parameter files (``models/*.yaml``): loading, unit checks, NEST mapping.

The registry of neuron models is the models folder: every ``models/<name>.yaml`` with a
``nest_model`` key is a model (the network files beside them have none). A parameter
file names the NEST model, every parameter as ``{value, unit}`` in NEST's units, its two
synapse types, and under ``roles`` which of its parameters plays each role the theory
needs (:data:`ROLES`); condrate's code names roles, never a model's parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError
from .synapses import CHARGE_FACTOR

# The models folder shipped with condrate (a config may name another: `models_dir`).
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"

# The roles a parameter file assigns to its parameters: role -> what the theory does when
# the file gives null (None: the role is required).
ROLES = {
    "leak_conductance": None,     # g_L^o of the derivation (nS); added conductance goes here
    "capacitance": None,          # C_m (pF)
    "leak_reversal": None,        # E_L (mV)
    "membrane_potential": None,   # the recordable and settable state V_m (mV)
    "threshold": "no fixed threshold: the LIF-based f (ii) and the threshold-linear "
                 "f of (i) with a reset are not defined; (i) uses beta [.]_+",
    "reset": "no reset: as for a missing threshold, the theory uses beta [.]_+",
    "refractory": "no dead time: rate bands have no saturated band, (iii) no dead time",
    "current_input": "no current parameter: a dc_generator injects the current",
    "spike_onset": "the threshold stands in (top of the initial V_m range)",
}


def neuron_models(models_dir: str | Path = MODELS_DIR) -> tuple[str, ...]:
    """Every neuron model of a models folder: the files with a ``nest_model`` key (or an
    ``extends`` key: a variant of another file), by name."""
    out = []
    for path in sorted(Path(models_dir).glob("*.yaml")):
        with open(path) as fh:
            raw = yaml.safe_load(fh)
        if isinstance(raw, dict) and ("nest_model" in raw or "extends" in raw):
            out.append(path.stem)
    return tuple(out)


# The models condrate ships (tests and tools use them; a study's models come from its
# config's models_dir through neuron_models)
MODELS = neuron_models()

# The integrators a model can run with (config key `integrator`): "nest", NEST's built-in
# model (GSL's adaptive RKF45), or "fixed_step", its version in condrate's NEST module
# (condrate.nestrun.extension; one fixed step per NEST step), named by the file's
# `fixed_step_model`. NEST model -> module model, for the shipped files:
INTEGRATORS = ("nest", "fixed_step")


def fixed_step_models(models_dir: str | Path = MODELS_DIR) -> dict:
    """{NEST model: its fixed-step twin in condrate's module} from the parameter files."""
    out = {}
    for name in neuron_models(models_dir):
        raw = read_model_file(models_dir, name)
        if raw.get("fixed_step_model"):
            out[raw["nest_model"]] = raw["fixed_step_model"]
    return out

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
    roles: dict = field(hash=False)
    params: dict = field(hash=False)
    excitatory: Synapse = None
    inhibitory: Synapse = None
    mechanism: str | None = None
    integrator: str = "nest"
    # a NESTML model: its source and build hash (condrate.nestrun.nestml.entry)
    nestml: dict | None = field(default=None, hash=False)
    # the file's adaptation mechanisms, parameter names (condrate.theory.adaptation)
    adaptation: dict | None = field(default=None, hash=False)

    def param_value(self, ref: str) -> float:
        """The value of parameter ``ref`` (``name`` or ``name[i]`` for a list)."""
        return _lookup(self.params, ref, f"models/{self.name}.yaml")

    def role_value(self, role: str, params: dict | None = None) -> float | None:
        """The value of the parameter playing ``role`` (in ``params``, default the
        model's own), None where the file gives the role no parameter."""
        name = self.roles.get(role)
        return None if name is None else float((params or self.params)[name])

    @property
    def leak_conductance(self) -> str:
        """Name of the parameter that is the leak conductance."""
        return self.roles["leak_conductance"]

    @property
    def threshold(self) -> str | None:
        """Name of the fixed-threshold parameter, None without one."""
        return self.roles.get("threshold")

    @property
    def current_input(self) -> str | None:
        """Name of the current parameter (pA), None where a dc_generator injects it."""
        return self.roles.get("current_input")

    @property
    def membrane_potential(self) -> str:
        return self.roles["membrane_potential"]

    @property
    def g_L_nS(self) -> float:
        return self.role_value("leak_conductance")

    @property
    def E_L_mV(self) -> float:
        return self.role_value("leak_reversal")

    @property
    def C_m_pF(self) -> float:
        return self.role_value("capacitance")

    @property
    def V_th_mV(self) -> float | None:
        return self.role_value("threshold")

    @property
    def V_reset_mV(self) -> float | None:
        return self.role_value("reset")

    @property
    def t_ref_ms(self) -> float | None:
        return self.role_value("refractory")

    @property
    def V_top_mV(self) -> float:
        """Near spike onset: the fixed threshold, else the file's spike_onset (mV)."""
        top = self.V_th_mV
        return self.role_value("spike_onset") if top is None else top

    @property
    def has_I_e(self) -> bool:
        return self.current_input is not None

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
            "C_m_pF": self.C_m_pF,
        }
        if self.threshold is None and self.roles.get("spike_onset"):
            out["spike_onset_mV"] = self.role_value("spike_onset")
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


def _read_roles(raw: dict, params: dict, where: str) -> dict:
    """The file's roles, checked: every role known, every required role given, every
    named parameter present."""
    roles = raw.get("roles")
    if not isinstance(roles, dict):
        raise ConfigError(f"{where}: no `roles` mapping; give one parameter name (or null) "
                          f"for each of {list(ROLES)}")
    problems = [f"{where}: roles.{r} is not a role; the roles are {list(ROLES)}"
                for r in roles if r not in ROLES]
    for role, if_null in ROLES.items():
        name = roles.get(role)
        if name is None and if_null is None:
            problems.append(f"{where}: roles.{role} is required (a parameter name)")
        elif name is not None and role != "membrane_potential" and name not in params:
            problems.append(f"{where}: roles.{role} names '{name}', which is not in params")
    if problems:
        raise ConfigError("\n  ".join(problems))
    return {role: roles.get(role) for role in ROLES}


def build_model(raw: dict, name: str, overrides: dict | None = None, mechanism=None,
                integrator: str = "nest", nestml: dict | None = None):
    """Build a :class:`NeuronModel` from a parsed parameter file.

    overrides: {param: value} in NEST units (from the config), applied on top;
    integrator: "nest" or "fixed_step" (the model of condrate's NEST module);
    nestml: the build entry of a NESTML model (its module is installed before it runs).
    """
    where = f"models/{name}.yaml"
    params = _read_params(raw["params"], where)
    params.update(overrides or {})
    roles = _read_roles(raw, params, where)
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
        if not raw.get("fixed_step_model"):
            raise ConfigError(f"integrator.{name}: no fixed-step version of {nest_model} "
                              f"(its file has no fixed_step_model); there are "
                              f"{sorted(fixed_step_models())}")
        if mech not in (None, "GLIF1"):
            raise ConfigError(f"integrator.{name}: the fixed-step {nest_model} implements GLIF1 "
                              f"only, not {mech}; use integrator nest or glif_mechanism GLIF1")
        nest_model = raw["fixed_step_model"]
    elif integrator != "nest":
        raise ConfigError(f"integrator.{name}: '{integrator}' is not one of {list(INTEGRATORS)}")
    return NeuronModel(
        name=name,
        nest_model=nest_model,
        roles=roles,
        params=params,
        mechanism=mech,
        integrator=integrator,
        nestml=nestml,
        adaptation=_read_adaptation(raw, params, where),
        **synapses,
    )


# The keys of a file's `adaptation` section (condrate.theory.adaptation): mechanism ->
# {key: what the parameter it names is}; every entry names parameters of the file.
ADAPTATION_KEYS = {
    "spike_currents": {"jump": "pA added at each spike", "tau": "ms (or decay_rate, 1/ms)",
                       "decay_rate": "1/ms (or tau, ms)", "reset_factor": "I <- f I + jump",
                       "subtracted": "true: the current is subtracted (AdEx's w)"},
    "subthreshold": {"conductance": "nS (AdEx's a)", "tau": "ms"},
    "spike_thresholds": {"jump": "mV added at each spike", "decay_rate": "1/ms"},
}


def _read_adaptation(raw: dict, params: dict, where: str) -> dict | None:
    """The file's `adaptation` section, checked: known mechanisms and keys, every
    parameter it names present."""
    spec = raw.get("adaptation")
    if spec is None:
        return None
    problems = []
    for mech, entries in spec.items():
        if mech not in ADAPTATION_KEYS:
            problems.append(f"{where}: adaptation.{mech} is not a mechanism; the mechanisms "
                            f"are {list(ADAPTATION_KEYS)}")
            continue
        for k, entry in enumerate(entries if isinstance(entries, list) else [entries]):
            for key, ref in entry.items():
                at = f"{where}: adaptation.{mech}[{k}].{key}"
                if key not in ADAPTATION_KEYS[mech]:
                    problems.append(f"{at} is not a key; the keys are "
                                    f"{list(ADAPTATION_KEYS[mech])}")
                elif key != "subtracted":
                    try:
                        _lookup(params, ref, at)
                    except ConfigError as err:
                        problems.append(str(err))
    if problems:
        raise ConfigError("\n  ".join(problems))
    return spec


def model_from_spec(spec: dict) -> NeuronModel:
    """The model of a simulation spec (its parameter file, overrides and mechanism)."""
    return build_model(spec["model_file"], spec["model"], spec["overrides"], spec["mechanism"],
                       spec.get("integrator", "nest"), spec.get("nestml"))


def model_file_chain(models_dir: str | Path, name: str) -> list:
    """The parameter files that make model ``name``: its own, then the file it
    ``extends``, and so on (a variant names its base: ``extends: <model>``)."""
    chain, seen = [], set()
    while name is not None:
        path = Path(models_dir) / f"{name}.yaml"
        if not path.exists():
            where = f"{chain[-1]}: extends" if chain else f"model '{name}'"
            raise ConfigError(f"{where}: no parameter file {path}; the models of "
                              f"{models_dir} are {list(neuron_models(models_dir))}")
        if name in seen:
            loop = " -> ".join(p.stem for p in chain) + f" -> {name}"
            raise ConfigError(f"{chain[-1]}: extends: a loop of files ({loop})")
        seen.add(name)
        chain.append(path)
        with open(path) as fh:
            name = (yaml.safe_load(fh) or {}).get("extends")
    return chain


def per_model_entry(per_model: dict, models_dir: str | Path, name: str):
    """The entry of model ``name`` in a per_model table (e.g. a network file's), or that
    of the nearest model it extends; None where neither has one."""
    for path in model_file_chain(models_dir, name):
        if Path(path).stem in per_model:
            return per_model[Path(path).stem]
    return None


def read_model_file(models_dir: str | Path, name: str) -> dict:
    """The parsed parameter file ``models_dir/name.yaml``. A variant (``extends: <base>``)
    is its base's file with the variant's keys on top: ``params`` and ``roles`` merged
    entry by entry, every other key replaced; ``variant_keys`` lists the keys the variant
    gives itself."""
    merged = {}
    chain = model_file_chain(models_dir, name)
    for path in reversed(chain):
        with open(path) as fh:
            raw = yaml.safe_load(fh)
        for key, value in raw.items():
            if key in ("params", "roles") and isinstance(value, dict):
                merged[key] = {**merged.get(key, {}), **value}
            elif key != "extends":
                merged[key] = value
    if len(chain) > 1:  # what the variant itself says (a variant's GLIF level is its own)
        merged["variant_keys"] = sorted(raw)
    return merged


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
    overrides = config.get("model_params", {}).get(model, {})
    integrator = config.get("integrator", {}).get(model, "nest")
    raw = read_model_file(Path(root) / config["models_dir"], model)
    # the config's GLIF level applies to the files that declare a GLIF mechanism, but
    # for a variant that names its own (a GLIF3 variant of a GLIF1 file keeps GLIF3)
    mech = (raw["mechanism"] if "mechanism" in raw.get("variant_keys", ())
            else config.get("glif_mechanism") if "mechanism" in raw else None)
    source = nestml_source(config, model, root, raw)
    nestml = None
    if source is not None:
        from .nestrun import nestml as codegen

        nestml = codegen.entry(source)
    neuron = build_model(raw, model, overrides, mech, integrator, nestml)
    entries = {"model": model, "model_file": raw, "overrides": overrides,
               "mechanism": neuron.mechanism, "neuron": neuron.summary()}
    if integrator != "nest":
        entries["integrator"] = integrator
    if nestml is not None:
        entries["nestml"] = nestml
    return neuron, entries


def nestml_source(config: dict, model: str, root=".", raw: dict | None = None) -> Path | None:
    """The NESTML source a model's file names (``nestml: <file>``, beside it), or None."""
    folder = Path(root) / config["models_dir"]
    raw = raw if raw is not None else read_model_file(folder, model)
    if not raw.get("nestml"):
        return None
    source = folder / raw["nestml"]
    if not source.exists():
        raise ConfigError(f"{folder / model}.yaml: nestml: no file {source}")
    return source


def model_from_config(config: dict, model: str, root=".") -> NeuronModel:
    """The :class:`NeuronModel` with the config's overrides applied."""
    return model_spec(config, model, root)[0]
