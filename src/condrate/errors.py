"""Exceptions with messages meant for the user of the workflow."""


class ConfigError(ValueError):
    """The configuration or a parameter file is invalid. The message names the key."""


class SpikeDataError(RuntimeError):
    """Spike files are missing, malformed, or disagree with the simulation's counts."""
