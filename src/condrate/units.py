"""Units: condrate works in NEST's units everywhere (ms, mV, nS, pA, pF, Hz).

Time is in milliseconds inside the package. Seconds appear only where a rate in Hz
meets a time: a count over a window, or a charge G tau (E - V) in pC = nS s mV that
multiplies a rate. Those conversions go through the constants below, so every place
that changes unit says so by name.
"""

S_PER_MS = 1e-3   # seconds per millisecond
MS_PER_S = 1e3    # milliseconds per second


def window_s(t_start_ms: float, t_stop_ms: float) -> float:
    """Length (s) of the window [t_start_ms, t_stop_ms)."""
    return (t_stop_ms - t_start_ms) * S_PER_MS
