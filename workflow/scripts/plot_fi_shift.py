import sys

from condrate.stages import plot_fi_shift

sys.stderr = open(snakemake.log[0], "w")
plot_fi_shift(
    snakemake.input.curves,
    snakemake.input.fit,
    snakemake.wildcards.model,
    snakemake.output.pdf,
    snakemake.output.png,
)
