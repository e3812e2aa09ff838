"""The validity map: network operating points over inhibition dominance and external
rate, and where each rate prediction is within a tolerance of the network."""
