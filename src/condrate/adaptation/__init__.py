"""Adapting neurons: their f-I at several adaptation strengths and the reference
neuron without the slow mechanisms (experiment ``adapted_fi``), and the steady state the
averaged adaptation variable predicts from the reference (condrate.theory.adaptation)."""
