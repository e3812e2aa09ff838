"""The f-I stage: f-I curves under added conductance and the threshold-shift fit."""
