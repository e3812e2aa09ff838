"""Okabe & Ito's colour-blind-safe palette, by role (no matplotlib: the registries that
name a colour are imported by stages that draw nothing)."""

BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, YELLOW, BLACK = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
