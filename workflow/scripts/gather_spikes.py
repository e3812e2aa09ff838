import sys

from condrate.stages import gather_spikes

sys.stderr = open(snakemake.log[0], "w")
counts = gather_spikes(snakemake.input.sim, snakemake.output.spikes)
print(f"gathered {counts['spikes']} spikes from {counts['files']} VP files", file=sys.stderr)
