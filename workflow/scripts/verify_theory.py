import sys

from condrate.theorystages import run_theory

sys.stderr = open(snakemake.log[0], "w")
i, o = snakemake.input, snakemake.output
inputs = {"fit": i.fit, "base_spec": i.base_spec[0], "ol_spec": i.ol_spec,
          "ol_spikes": i.ol_spikes, "ext": i.ext, "fb_spec": i.fb_spec, "fb_spikes": i.fb_spikes,
          "step_csv": i.step_csv, "step_json": i.step_json}
outputs = {"derived": o.derived, "csv": o.csv, "summary": o.summary, "fb_csv": o.fb_csv,
           "fb_json": o.fb_json, "fig_scatter": (o.scatter_pdf, o.scatter_png),
           "fig_curves": (o.curves_pdf, o.curves_png),
           "fig_feedback": (o.feedback_pdf, o.feedback_png), "step_csv": o.step_csv,
           "step_json": o.step_json, "fig_step": (o.step_pdf, o.step_png)}
print(run_theory(inputs, outputs), file=sys.stderr)
