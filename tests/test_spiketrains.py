"""SpikeTrains: counts and rates in a window, and mean +- s.e.m."""

import numpy as np
import pytest

from condrate.spiketrains import SpikeTrains, mean_sem


def trains():
    # neuron 0 fires at 10, 200, 450 and 500 ms (the run's last step), neuron 2 at 300 ms
    return SpikeTrains(np.array([0, 0, 2, 0, 0]), np.array([10.0, 200.0, 300.0, 450.0, 500.0]),
                       3, {})


def test_counts_and_rates_in_a_window():
    s = trains()
    assert s.counts(100.0, 500.0).tolist() == [2, 0, 1]
    # 2 spikes in 0.4 s = 5 Hz; to the end of the run the spike at 500 ms counts too
    assert s.rates_Hz(100.0, 500.0).tolist() == pytest.approx([5.0, 0.0, 2.5])
    assert s.rates_Hz(100.0, 500.0, to_end=True).tolist() == pytest.approx([7.5, 0.0, 2.5])


def test_mean_and_sem():
    mean, sem = mean_sem([2.0, 4.0, 6.0, 8.0])
    # s.d. with ddof 1 of 2, 4, 6, 8 is sqrt(20/3); over sqrt(4)
    assert mean == 5.0 and sem == pytest.approx(np.sqrt(20 / 3) / 2)
    means, sems = mean_sem([[1.0, 3.0], [2.0, 2.0]])
    assert means.tolist() == [2.0, 2.0] and sems.tolist() == pytest.approx([1.0, 0.0])
