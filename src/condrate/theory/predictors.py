"""The registry of rate predictions: one definition per prediction.

Every prediction the theory stage checks against NEST is one :class:`Predictor`: its key
(the column suffix in verification.csv, ``predicted_Hz_<key>``, and the key in every
summary), its numeral, its labels, its colour and line style, and, in words, what it uses
and what it is calibrated on. Tables, figures, the map and the study summary loop over
:data:`PREDICTORS`; adding a prediction is its module plus one entry here.

A prediction takes nothing from the NEST run it is judged against. Where one does, it is
a *diagnostic*: ``diagnostic`` says so and ``diagnostic_reason`` says what it takes, and
every table that shows it labels it.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import Callable

from ..palette import BLUE, GREEN, PURPLE, VERMILLION
from . import rate_model as rt
from . import two_population as tp


@dataclass(frozen=True)
class Predictor:
    key: str  # column suffix and summary key
    numeral: str  # "(i)" ...
    label: str  # short, for legends and table headers: "(i) threshold-linear"
    name: str  # what it is: "threshold-linear f (the derivation)"
    uses: str  # what its rates are computed from
    calibrated_on: str  # what it is fitted or calibrated on, "" for nothing
    colour: str
    linestyle: str
    short: str  # the title of its panel in the per-model theory figure
    experiments: tuple  # the experiments of the theory stage it predicts
    # how it takes an adapting model's adaptation (its file's ``adaptation``) into
    # account, in words (docs/adaptation.md)
    adaptation: str
    # rate (Hz) of unconnected neurons at input rates (p, model, r_E, r_I, nu_ext,
    # calibration); None: no open-loop prediction
    open_loop_rate: Callable | None = None
    # every fixed point of the E/I rate equations at an external rate (p, model, nu_ext,
    # I_ext, calibration) -> [{rates_Hz, stable}]; None: no rate equation (a simulation)
    fixed_points: Callable | None = None
    diagnostic: bool = False  # takes something from the judged run
    # whether its rates use a fit or calibration of the model's single neurons as the
    # config gives them (model -> bool): none where the neurons differ from those (a
    # map point at another adaptation strength)
    calibrated_for: Callable = lambda model: False
    diagnostic_reason: str = ""
    # a two-model network (E and I neurons of different models, condrate.theory.
    # two_population): every fixed point (p2, {"E": model, "I": model}, nu_ext, I_ext,
    # {"E": calibration, "I": calibration}) -> [{rates_Hz, stable}]; None with the
    # reason in two_population_missing (a simulation, fixed_points None, has its own
    # two-model form: the self-consistent pair loop, selfconsistent_pair)
    two_population_fixed_points: Callable | None = None
    two_population_missing: str = ""

    @property
    def column(self) -> str:
        """Its column in verification.csv."""
        return f"predicted_Hz_{self.key}"

    @property
    def heading(self) -> str:
        """Table heading: the name, marked where it is a diagnostic."""
        return f"{self.numeral} {self.name}" + (" — diagnostic" if self.diagnostic else "")


def _linear_open(p, model, r_E, r_I, nu, cal) -> float:
    return float(rt.f_linear(rt.drive(p, [r_E, r_I], nu)[0], p["beta_Hz_per_pA"]))


def _fluct_open(p, model, r_E, r_I, nu, cal) -> float:
    return rt.fluct_open_loop_rate(model, p, r_E, r_I, nu)


def _semianalytic_open(p, model, r_E, r_I, nu, cal) -> float:
    return rt.semianalytic_rate(model, p, r_E, r_I, nu, cal)


def _linear_fixed_points(p, model, nu, I_ext, cal) -> list:
    return rt.linear_fixed_points(p, nu, I_ext)


def _fluct_fixed_points(p, model, nu, I_ext, cal) -> list:
    return rt.fluct_fixed_points(p, model, nu, I_ext)


def _semianalytic_fixed_points(p, model, nu, I_ext, cal) -> list:
    return rt.semianalytic_fixed_points(p, model, nu, cal, I_ext)


PREDICTORS = (
    Predictor(
        key="linear", numeral="(i)", label="(i) threshold-linear",
        name="threshold-linear f (the derivation)",
        uses="the derived W, W_ext and θ with the gain β and v_θ of the single-neuron "
             "f–I fits (fi stage)",
        calibrated_on="deterministic f–I curves of single neurons",
        colour=VERMILLION, linestyle="--", short="threshold-linear f",
        experiments=("open_loop", "closed_loop", "uniform_feedback", "step"),
        adaptation="in the fit: β, v_θ and I_θ0 are those of the adapted steady-state f–I, "
                   "so β = β_ref / (1 + β_ref J) and its fixed points are those of the rate "
                   "equation with the averaged variable (no slow dynamics)",
        open_loop_rate=_linear_open, fixed_points=_linear_fixed_points,
        calibrated_for=lambda model: True,
        two_population_fixed_points=tp.linear_fixed_points),
    Predictor(
        key="fluct", numeral="(ii)", label="(ii) fluctuation-aware",
        name="fluctuation-aware f",
        uses="the rate at each momentary conductance (the exact deterministic LIF rate for "
             "integrate-and-fire models, the derivation's threshold-linear f otherwise), "
             "averaged over Gaussian conductance fluctuations with the Campbell moments of "
             "Poisson inputs (quasi-static); for integrate-and-fire models none of W, "
             "W_ext, θ, β, v_θ",
        calibrated_on="nothing for integrate-and-fire models (their parameters); the "
                      "deterministic f–I fit otherwise",
        colour=BLUE, linestyle="-", short="fluctuation-aware f",
        experiments=("open_loop", "closed_loop", "uniform_feedback"),
        adaptation="integrate-and-fire models: the averaged current of every mechanism at "
                   "the neuron's own rate, from the model's parameters, added to the LIF "
                   "rate's input (condrate.theory.adaptation); others: in the fit, as (i)",
        open_loop_rate=_fluct_open, fixed_points=_fluct_fixed_points,
        calibrated_for=lambda model: not rt.lif_rate_applies(model),
        two_population_fixed_points=tp.fluct_fixed_points),
    Predictor(
        key="semianalytic", numeral="(iii)", label="(iii) semi-analytic",
        name="semi-analytic f",
        uses="a Zerlaut-type threshold polynomial in the free membrane potential's moments",
        calibrated_on="unconnected single neurons at a grid of input rates the config "
                      "fixes (openloop.calibration; a run of its own, "
                      "theory/<model>/calibration), disjoint from every judged condition",
        colour=GREEN, linestyle="-.", short="semi-analytic f (calibrated)",
        experiments=("open_loop", "closed_loop"),
        adaptation="in the calibration: its single neurons adapt, rates counted after "
                   "theory.openloop.t_warmup_ms",
        open_loop_rate=_semianalytic_open, fixed_points=_semianalytic_fixed_points,
        calibrated_for=lambda model: True,
        two_population_fixed_points=tp.semianalytic_fixed_points),
    Predictor(
        key="selfconsistent", numeral="(iv)", label="(iv) self-consistent",
        name="self-consistent single neurons",
        uses="generations of unconnected NEST neurons driven by the previous generation's "
             "own output spike trains",
        calibrated_on="nothing (its own single-neuron simulations)",
        colour=PURPLE, linestyle="D", short="self-consistent single neurons",
        experiments=("closed_loop",),
        adaptation="in the neurons: NEST neurons of the model, adapting as in the network"),
)

KEYS = tuple(p.key for p in PREDICTORS)
BY_KEY = {p.key: p for p in PREDICTORS}
