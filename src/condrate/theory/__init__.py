"""The theory stage: rate-model quantities derived from the conductance equations and
their predictions checked against NEST."""
