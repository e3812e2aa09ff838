"""condrate: rate equations derived from conductance-based neurons, checked against NEST.

Units: the package works in NEST's units throughout (mV, ms, nS, pA, pF, Hz), so that
every number can be handed to NEST unchanged; docstrings state the unit of each
argument. Conductances are always positive; which NEST receptor and weight sign an
inhibitory conductance needs is decided in one place, :func:`condrate.params.nest_weight`.
"""

__version__ = "0.2.0"
