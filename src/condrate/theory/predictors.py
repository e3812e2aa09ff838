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

from ..plotstyle import BLUE, GREEN, PURPLE, VERMILLION


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
    experiments: tuple  # the experiments of the theory stage it predicts
    diagnostic: bool = False  # takes something from the judged run
    diagnostic_reason: str = ""

    @property
    def column(self) -> str:
        """Its column in verification.csv."""
        return f"predicted_Hz_{self.key}"

    @property
    def heading(self) -> str:
        """Table heading: the name, marked where it is a diagnostic."""
        return f"{self.numeral} {self.name}" + (" — diagnostic" if self.diagnostic else "")


PREDICTORS = (
    Predictor(
        key="linear", numeral="(i)", label="(i) threshold-linear",
        name="threshold-linear f (the derivation)",
        uses="the derived W, W_ext and θ with the gain β and v_θ of the single-neuron "
             "f–I fits (fi stage)",
        calibrated_on="deterministic f–I curves of single neurons",
        colour=VERMILLION, linestyle="--",
        experiments=("open_loop", "closed_loop", "uniform_feedback", "step")),
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
        colour=BLUE, linestyle="-",
        experiments=("open_loop", "closed_loop", "uniform_feedback")),
    Predictor(
        key="semianalytic", numeral="(iii)", label="(iii) semi-analytic",
        name="semi-analytic f",
        uses="a Zerlaut-type threshold polynomial in the free membrane potential's moments",
        calibrated_on="unconnected single neurons driven at rates scaled from the judged "
                      "network's own r_E and r_I (openloop.calibration)",
        colour=GREEN, linestyle="-.",
        experiments=("open_loop", "closed_loop"),
        diagnostic=True,
        diagnostic_reason="its calibration conditions are scaled from the base network "
                          "run's rates"),
    Predictor(
        key="selfconsistent", numeral="(iv)", label="(iv) self-consistent",
        name="self-consistent single neurons",
        uses="generations of unconnected NEST neurons driven by the previous generation's "
             "own output spike trains",
        calibrated_on="nothing (its own single-neuron simulations)",
        colour=PURPLE, linestyle="D",
        experiments=("closed_loop",)),
)

KEYS = tuple(p.key for p in PREDICTORS)
BY_KEY = {p.key: p for p in PREDICTORS}
