"""Composed, print-sized figures, one per claim of the study (``make paper``)."""
