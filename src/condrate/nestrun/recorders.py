"""Recorders: every simulated experiment records spikes through this one helper."""

from __future__ import annotations

SPIKE_LABEL = "spikes"


def spike_recorder(nest, label: str = SPIKE_LABEL):
    """A spike recorder writing NEST ascii files (one per VP) under ``label``.

    The caller connects it (``nest.Connect(neurons, recorder)``) where its build
    phase connects devices, so node ids and connection order stay as they were."""
    return nest.Create("spike_recorder", params={"record_to": "ascii", "label": label})
