import sys

from condrate.stages import write_fi_curves

sys.stderr = open(snakemake.log[0], "w")
write_fi_curves(snakemake.input.spec, snakemake.input.spikes, snakemake.output.curves)
