import sys

from condrate.theorystages import run_theory

sys.stderr = open(snakemake.log[0], "w")
i, o = snakemake.input, snakemake.output
summary = run_theory(
    i.fit, i.base_spec[0], i.ol_spec, i.ol_spikes, i.ext,
    {"derived": o.derived, "csv": o.csv, "summary": o.summary,
     "fig_scatter": (o.scatter_pdf, o.scatter_png), "fig_curves": (o.curves_pdf, o.curves_png)},
)
print(summary, file=sys.stderr)
