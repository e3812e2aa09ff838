"""Rules of thumb used across the stages, each named once.

RATE_CUT_HZ: below it a rate is too small for a relative error (errors there are
absolute, in Hz). AI_CRITERIA: the asynchronous-irregular state (CV of ISIs,
pairwise correlation, synchrony chi). STATIONARY_*: the rates of the two halves of
the analysis window agree within 10 % plus 0.5 Hz. INHIBITORY_INDEGREE_RATIO: the
in-degree sweep keeps K_I = K_E / 4 (the 4:1 E:I ratio of the network).
"""

RATE_CUT_HZ = 1.0
AI_CRITERIA = {"cv_isi_min": 0.8, "correlation_max": 0.05, "chi_max": 0.2}
STATIONARY_REL = 0.1
STATIONARY_ABS_HZ = 0.5
INHIBITORY_INDEGREE_RATIO = 4


def inhibitory_indegree(K_E: int) -> int:
    """K_I of an in-degree sweep point: K_E / 4, at least 1."""
    return max(K_E // INHIBITORY_INDEGREE_RATIO, 1)


def is_stationary(first_Hz: float, second_Hz: float) -> bool:
    """True when the rates of the window's two halves agree (see the module doc)."""
    mean = max((first_Hz + second_Hz) / 2, 1e-9)
    return bool(abs(first_Hz - second_Hz) <= STATIONARY_REL * mean + STATIONARY_ABS_HZ)
