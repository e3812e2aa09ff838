"""One object for the spikes of a run, behind every rate and count the stages take.

Elephant's SpikeTrain holds one neuron; condrate's runs hold 10^3-10^5 neurons in
one sorted table, and a single numpy bincount over it is what every stage needs,
so this small vectorised object is written by hand. Times in ms, rates in Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .units import window_s


@dataclass(frozen=True)
class SpikeTrains:
    """index: neuron index of each spike (0 = the run's first neuron); times_ms: spike
    times (ms); n_neurons: neurons in the run; meta: the gathered table's metadata."""

    index: np.ndarray
    times_ms: np.ndarray
    n_neurons: int
    meta: dict

    @classmethod
    def read(cls, path) -> "SpikeTrains":
        """The gathered Parquet table of a run (see nestrun.spikes.gather)."""
        from .nestrun.spikes import read_spikes  # pyarrow: not for the MPI job's imports

        senders, times, meta = read_spikes(path)
        return cls(senders.astype(np.int64) - meta["first_node_id"], times,
                   int(meta["n_neurons"]), meta)

    def in_window(self, t_start_ms: float, t_stop_ms: float | None = None) -> np.ndarray:
        """Mask of the spikes in [t_start, t_stop); t_stop None: to the end of the run."""
        keep = self.times_ms >= t_start_ms
        return keep if t_stop_ms is None else keep & (self.times_ms < t_stop_ms)

    def counts(self, t_start_ms: float, t_stop_ms: float | None = None) -> np.ndarray:
        """Spike count of every neuron in [t_start, t_stop) (t_stop None: to the end)."""
        k = self.in_window(t_start_ms, t_stop_ms)
        return np.bincount(self.index[k], minlength=self.n_neurons)

    def rates_Hz(self, t_start_ms: float, t_stop_ms: float, to_end: bool = False) -> np.ndarray:
        """Rate (Hz) of every neuron over [t_start, t_stop); ``to_end`` also counts spikes
        at t >= t_stop (the run's last step, when t_stop is the run's end)."""
        counts = self.counts(t_start_ms, None if to_end else t_stop_ms)
        return counts / window_s(t_start_ms, t_stop_ms)


def mean_sem(values, axis: int = -1) -> tuple:
    """Mean and standard error of the mean (s.d. with ddof 1 over sqrt(n)) along axis."""
    v = np.asarray(values, dtype=float)
    return v.mean(axis=axis), v.std(axis=axis, ddof=1) / np.sqrt(v.shape[axis])
