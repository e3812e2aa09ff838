# Rate equations derived from the conductance equations, verified against NEST: one
# rule per experiment (the open-loop and feedback runs: simulation.smk), then the
# summary over all of them. Theory results carry the open-loop run's provenance.

FIT = "results/fi/{model}/threshold_fit.json"
OPENLOOP = "results/theory/{model}/openloop"
CALIBRATION = "results/theory/{model}/calibration"
FEEDBACK = "results/theory/{model}/feedback"


rule theory_derive:
    input:
        fit=FIT,
        base_spec=base_spec,
    output:
        derived="results/theory/{model}/derived_params.json",
    log:
        "logs/theory/{model}/derive.log",
    benchmark:
        "benchmarks/theory/{model}/derive.tsv"
    params:
        entry="condrate.theory.stage.write_derived",
        binary_on_rate_Hz=config.get("theory", {}).get("binary_on_rate_Hz", 10.0),
    script:
        "../scripts/run_stage.py"


rule theory_calibrate:
    input:
        fit=FIT,
        base_spec=base_spec,
        cal_spec=f"{CALIBRATION}/spec.json",
        cal_spikes=f"{CALIBRATION}/spikes.parquet",
    output:
        calibration="results/theory/{model}/calibration.json",
    log:
        "logs/theory/{model}/calibrate.log",
    benchmark:
        "benchmarks/theory/{model}/calibrate.tsv"
    params:
        entry="condrate.theory.stage.write_calibration",
    script:
        "../scripts/run_stage.py"


rule theory_openloop:
    input:
        fit=FIT,
        base_spec=base_spec,
        ol_spec=f"{OPENLOOP}/spec.json",
        ol_spikes=f"{OPENLOOP}/spikes.parquet",
        calibration=rules.theory_calibrate.output.calibration,
    output:
        rows=f"{OPENLOOP}/rows.json",
    log:
        "logs/theory/{model}/openloop.log",
    benchmark:
        "benchmarks/theory/{model}/openloop.tsv"
    params:
        entry="condrate.theory.stage.write_openloop",
    script:
        "../scripts/run_stage.py"


rule theory_selfconsistent:
    input:
        specs=generations("spec.json"),
        spikes=generations("spikes.parquet"),
    output:
        selfconsistent=f"{ITERATED}.json",
        pdf="results/figures/theory_selfconsistent_{model}.pdf",
        png=report(
            "results/figures/theory_selfconsistent_{model}.png",
            caption="../report/theory_selfconsistent.rst",
            category="Rate theory",
            subcategory="{model}",
        ),
    log:
        "logs/theory/{model}/selfconsistent.log",
    benchmark:
        "benchmarks/theory/{model}/selfconsistent.tsv"
    params:
        entry="condrate.theory.stage.write_selfconsistent",
    script:
        "../scripts/run_stage.py"


rule theory_selfconsistent_cost:
    input:
        sims=generations("sim"),
        network_sim=base_sim,
    output:
        cost=f"{ITERATED}_cost.json",
    log:
        "logs/theory/{model}/selfconsistent_cost.log",
    params:
        entry="condrate.theory.stage.write_selfconsistent_cost",
    script:
        "../scripts/run_stage.py"


# every closed-loop prediction over the external-rate sweep, from parameters, the
# calibration and the self-consistent generations: no network run among its inputs
rule theory_predict:
    input:
        fit=FIT,
        base_spec=base_spec,
        ext_specs=ext_specs,
        calibration=rules.theory_calibrate.output.calibration,
        selfconsistent=rules.theory_selfconsistent.output.selfconsistent,
    output:
        predictions="results/theory/{model}/predictions.json",
    log:
        "logs/theory/{model}/predict.log",
    benchmark:
        "benchmarks/theory/{model}/predict.tsv"
    params:
        entry="condrate.theory.stage.write_predictions",
    script:
        "../scripts/run_stage.py"


rule theory_closedloop:
    input:
        fit=FIT,
        base_spec=base_spec,
        ext=ext_stats,
        calibration=rules.theory_calibrate.output.calibration,
        selfconsistent=rules.theory_selfconsistent.output.selfconsistent,
        predictions=rules.theory_predict.output.predictions,
    output:
        closedloop="results/theory/{model}/closedloop/rows.json",
        pdf="results/figures/theory_rates_vs_input_{model}.pdf",
        png=report(
            "results/figures/theory_rates_vs_input_{model}.png",
            caption="../report/theory_rates_vs_input.rst",
            category="Rate theory",
            subcategory="{model}",
        ),
    log:
        "logs/theory/{model}/closedloop.log",
    benchmark:
        "benchmarks/theory/{model}/closedloop.tsv"
    params:
        entry="condrate.theory.stage.write_closedloop",
    script:
        "../scripts/run_stage.py"


rule theory_feedback:
    input:
        fit=FIT,
        base_spec=base_spec,
        fb_spec=f"{FEEDBACK}/spec.json",
        fb_spikes=f"{FEEDBACK}/spikes.parquet",
    output:
        rows=f"{FEEDBACK}/rows.json",
        fb_csv="results/theory/{model}/uniform_feedback.csv",
        fb_json="results/theory/{model}/uniform_feedback.json",
        pdf="results/figures/theory_uniform_feedback_{model}.pdf",
        png=report(
            "results/figures/theory_uniform_feedback_{model}.png",
            caption="../report/theory_uniform_feedback.rst",
            category="Rate theory",
            subcategory="{model}",
        ),
    log:
        "logs/theory/{model}/feedback.log",
    benchmark:
        "benchmarks/theory/{model}/feedback.tsv"
    params:
        entry="condrate.theory.stage.write_feedback",
    script:
        "../scripts/run_stage.py"


rule theory_step:
    input:
        fit=FIT,
        base_spec=base_spec,
        step_csv="results/network/{model}/step_response.csv",
        step_json="results/network/{model}/step_response.json",
        provenance=f"{OPENLOOP}/spikes.parquet",
    output:
        dynamics_csv="results/theory/{model}/step_dynamics.csv",
        dynamics_json="results/theory/{model}/step_dynamics.json",
        pdf="results/figures/theory_step_dynamics_{model}.pdf",
        png=report(
            "results/figures/theory_step_dynamics_{model}.png",
            caption="../report/theory_step_dynamics.rst",
            category="Rate theory",
            subcategory="{model}",
        ),
    log:
        "logs/theory/{model}/step.log",
    benchmark:
        "benchmarks/theory/{model}/step.tsv"
    params:
        entry="condrate.theory.stage.write_step",
        slow_ms=config.get("adaptation", {}).get("slow_ms"),
    script:
        "../scripts/run_stage.py"


rule theory_summary:
    input:
        base_spec=base_spec,
        openloop=rules.theory_openloop.output.rows,
        closedloop=rules.theory_closedloop.output.closedloop,
        feedback=rules.theory_feedback.output.rows,
        provenance=f"{OPENLOOP}/spikes.parquet",
    output:
        csv="results/theory/{model}/verification.csv",
        summary="results/theory/{model}/summary.json",
        pdf="results/figures/theory_predicted_vs_simulated_{model}.pdf",
        png=report(
            "results/figures/theory_predicted_vs_simulated_{model}.png",
            caption="../report/theory_predicted_vs_simulated.rst",
            category="Rate theory",
            subcategory="{model}",
        ),
    log:
        "logs/theory/{model}/summary.log",
    benchmark:
        "benchmarks/theory/{model}/summary.tsv"
    params:
        entry="condrate.theory.stage.write_summary",
    script:
        "../scripts/run_stage.py"


# A two-model network (E and I neurons of different models; network file's
# inhibitory_model): (iii)'s calibration of the I population's model (the E
# population's is theory_calibrate's), and the closed loop of the predictions with a
# two-population form
rule theory_calibrate_inhibitory:
    input:
        fit=inhibitory_fit,
        base_spec=base_spec,
        cal_spec="results/theory/{model}/calibration_inhibitory/spec.json",
        cal_spikes="results/theory/{model}/calibration_inhibitory/spikes.parquet",
    output:
        calibration="results/theory/{model}/calibration_inhibitory.json",
    log:
        "logs/theory/{model}/calibrate_inhibitory.log",
    benchmark:
        "benchmarks/theory/{model}/calibrate_inhibitory.tsv"
    params:
        entry="condrate.theory.stage.write_calibration",
        population="I",
    script:
        "../scripts/run_stage.py"


rule theory_two_population:
    input:
        fit=FIT,
        fit_I=inhibitory_fit,
        base_spec=base_spec,
        ext_specs=ext_specs,
        ext=ext_stats,
        calibration=rules.theory_calibrate.output.calibration,
        calibration_I=rules.theory_calibrate_inhibitory.output.calibration,
        selfconsistent=rules.theory_selfconsistent.output.selfconsistent,
    output:
        two_population="results/theory/{model}/two_population.json",
        csv="results/theory/{model}/two_population.csv",
        pdf="results/figures/theory_two_population_{model}.pdf",
        png=report(
            "results/figures/theory_two_population_{model}.png",
            caption="../report/theory_two_population.rst",
            category="Rate theory",
            subcategory="{model}",
        ),
    log:
        "logs/theory/{model}/two_population.log",
    benchmark:
        "benchmarks/theory/{model}/two_population.tsv"
    params:
        entry="condrate.theory.stage.write_two_population",
    script:
        "../scripts/run_stage.py"
