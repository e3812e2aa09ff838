import sys

from condrate.netstages import plot_activity

sys.stderr = open(snakemake.log[0], "w")
plot_activity(
    snakemake.input.spikes,
    snakemake.input.stats,
    f"{snakemake.wildcards.model} {snakemake.wildcards.run}",
    snakemake.output.pdf,
    snakemake.output.png,
)
