"""Running NEST: kernel settings, NEST's own description, the MPI launch, recorders,
per-VP spike files and their gather, and the provenance every result carries."""
