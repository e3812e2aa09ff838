"""One record for a stream of synaptic input: K inputs through one synapse type.

Every stage that turns spike rates into conductances or charges uses it: the
balance equation of the network stage, the weights W of the rate model, and the
conductance moments of the fluctuation-aware transfer function.

Mean conductance of K Poisson inputs at rate r (Hz) through a synapse of peak G (nS)
and time constant tau (ms): K c G tau r, with c = 1 (exponential) or e (alpha);
Campbell's variance: K r G^2 tau s, with s = 1/2 (exponential) or e^2/4 (alpha).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from .units import S_PER_MS

# integral of the kernel (charge factor c) and of its square (variance factor s)
CHARGE_FACTOR = {"exponential": 1.0, "alpha": math.e}
VARIANCE_FACTOR = {"exponential": 0.5, "alpha": math.e**2 / 4}


@dataclass(frozen=True)
class SynapticInput:
    """K inputs of peak conductance G_nS (nS) through one synapse type.

    kind: "excitatory" or "inhibitory" (the conductance it adds to);
    tau_ms: decay time (ms); E_rev_mV: reversal potential (mV); shape: kernel shape.
    """

    kind: str
    K: int
    G_nS: float
    tau_ms: float
    E_rev_mV: float
    shape: str

    @property
    def c(self) -> float:
        """Charge factor: mean conductance per input = c G tau r."""
        return CHARGE_FACTOR[self.shape]

    def mean_nS(self, rate_Hz):
        """Mean conductance (nS) of the K inputs firing at rate_Hz."""
        return self.c * self.G_nS * self.tau_ms * S_PER_MS * self.K * rate_Hz

    def variance_nS2(self, rate_Hz, scale: float = 1.0):
        """Campbell's conductance variance (nS^2) at rate_Hz, times ``scale`` (e.g. a
        Fano factor for non-Poisson trains; 1 for Poisson)."""
        s = VARIANCE_FACTOR[self.shape]
        return scale * self.K * rate_Hz * self.G_nS**2 * self.tau_ms * S_PER_MS * s

    def charge_per_mV(self, V_mV: float) -> float:
        """Charge of one input spike per nS of peak, c tau (E_rev - V) (nS s mV / nS)."""
        return self.c * self.tau_ms * S_PER_MS * (self.E_rev_mV - V_mV)

    def weight_pC(self, v_theta_mV: float, E_L_mV: float) -> float:
        """Population-level weight K c G tau (E_rev - v_theta - E_L) (pC)."""
        return (self.K * self.c * self.G_nS * self.tau_ms * S_PER_MS
                * (self.E_rev_mV - v_theta_mV - E_L_mV))

    def with_(self, **changes) -> "SynapticInput":
        return SynapticInput(**(asdict(self) | changes))


def network_inputs(model, derived: dict, net: dict) -> dict[str, SynapticInput]:
    """The three input streams of a network neuron: recurrent "E", "I" and "ext".

    model: params.NeuronModel; derived: network.experiment.derive (peaks after the
    1/sqrt(K) scaling); net: the run's network settings (in-degrees)."""
    ex, inh = model.excitatory, model.inhibitory
    return {
        "E": SynapticInput("excitatory", net["K_E"], derived["G_EE_nS"], ex.tau_ms,
                           ex.E_rev_mV, ex.shape),
        "I": SynapticInput("inhibitory", net["K_I"], derived["G_I_nS"], inh.tau_ms,
                           inh.E_rev_mV, inh.shape),
        "ext": SynapticInput("excitatory", net["K_ext"], derived["G_ext_nS"], ex.tau_ms,
                             ex.E_rev_mV, ex.shape),
    }
