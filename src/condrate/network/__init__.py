"""The network stage: E/I balanced networks over MPI, their statistics and the
balanced-state experiments."""
