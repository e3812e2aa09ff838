import sys

from condrate.stages import write_threshold_fit

sys.stderr = open(snakemake.log[0], "w")
write_threshold_fit(
    snakemake.input.curves, snakemake.input.spikes, snakemake.input.spec, snakemake.output.fit
)
