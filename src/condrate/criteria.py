"""Rules of thumb used across the stages, each named once.

RATE_CUT_HZ: below it a rate is too small for a relative error (errors there are
absolute, in Hz). Rate bands of every error report (rate_bands): below RATE_CUT_HZ;
the fluctuation-driven band RATE_CUT_HZ-FLUCTUATION_BAND_TOP_HZ (the headline); from
there to SATURATION_FRACTION of the refractory limit 1/t_ref; and saturated above it,
where any model with the right refractory period is accurate. AI_CRITERIA: the asynchronous-irregular state (CV of ISIs,
pairwise correlation, synchrony chi). STATIONARY_*: the rates of the two halves of
the analysis window agree within 10 % plus 0.5 Hz. INHIBITORY_INDEGREE_RATIO: the
in-degree sweep keeps K_I = K_E / 4 (the 4:1 E:I ratio of the network).
"""

RATE_CUT_HZ = 1.0
FLUCTUATION_BAND_TOP_HZ = 50.0
SATURATION_FRACTION = 0.5
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


def rate_bands(t_ref_ms: float | None) -> dict:
    """{band name: (low, high) Hz} of the relative-error bands; without a refractory
    period (hh_cond_exp_traub) the band above 50 Hz has no upper end."""
    half = SATURATION_FRACTION * 1e3 / t_ref_ms if t_ref_ms else float("inf")
    top = max(half, FLUCTUATION_BAND_TOP_HZ)
    return {"1_50Hz": (RATE_CUT_HZ, FLUCTUATION_BAND_TOP_HZ),
            "50Hz_to_half_refractory": (FLUCTUATION_BAND_TOP_HZ, top),
            "saturated": (top, float("inf"))}
