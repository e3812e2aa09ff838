# condrate — `make help` lists every target. The two commands of a fresh machine:
#   make run     sets up what is missing, then runs the workflow on config/config.yaml
#   make test    sets up what is missing, then runs the test suite
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
NEST_VERSION := 3.10.0
# Every target that runs the workflow takes CONFIG (one or more config files, merged on
# config/config.yaml in order) and DIR (its working folder: results/, logs/ go there).
CONFIG ?= config/config.yaml
DIR ?= .
# cores (and so virtual processes) Snakemake may use at once; the default profile's
# `all` unless set
CORES ?=
# Snakemake looks for a default workflow profile in profiles/default beside the Snakefile;
# condrate's top level is fixed, so its profile is named explicitly
PROFILE := workflow/profiles/default

export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1

# Presets: `make preset-NAME` runs config/NAME.yaml (or PRESET_NAME's files) in
# results/presets/NAME/ (a preset's neuron or network differs from the default's, and
# results paths carry no study name).
PRESETS := classical_ai mean_driven mean_driven_hh aeif fixed_step large nestml adaptation rs_fs_adex
PRESET_mean_driven_hh := config/mean_driven.yaml config/mean_driven_hh.yaml

.PHONY: help setup run tiny dry-run map paper report export tables unlock test test-quick \
  lint format clean $(addprefix preset-,$(PRESETS)) bench figures dag-times fast-models scaling \
  nestml adaptation classical-ai rs-fs

help:  ## this list
	@echo "condrate: make TARGET [CONFIG=config/x.yaml ...] [DIR=folder] [CORES=n]"
	@awk -F':.*## ' '/^## /{printf "\n%s\n", substr($$0, 4)} \
	  /^[a-z%-]+:.*## /{printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  presets:       $(addprefix preset-,$(PRESETS))"

## Set-up and the study
# Snakemake with the default profile (workflow/profiles/default: all cores, vp resources,
# --rerun-incomplete), in DIR on CONFIG; a stale lock (a run killed by SIGKILL) is
# released first, never a live run's, so the same command resumes.
# $(call snake,DIR,CONFIGS[,TARGETS AND OPTIONS])
snake = bash workflow/scripts/stale_lock.sh $(1) && \
  $(BIN)/python -m snakemake --unlock --cores 1 --directory $(1) --configfile $(2) >/dev/null; \
  $(BIN)/python -m snakemake $(3) --directory $(1) --workflow-profile $(PROFILE) $(if $(CORES),--cores $(CORES) --resources vp=$(CORES)) \
    --configfile $(2)

setup: $(VENV)/.condrate-installed  ## system packages (run), .venv, NEST with MPI, condrate's module
	@$(BIN)/python -m condrate.nestrun.extension build

# SKIP_SYSTEM=1 skips the system packages; a NEST with MPI that $(PYTHON) imports (a
# site module, conda) is used instead of building one (envs/setup-venv.sh)
$(VENV)/.condrate-installed: envs/system-run.txt envs/build-requirements.txt envs/requirements.txt pyproject.toml envs/setup-venv.sh
	VENV=$(VENV) PYTHON=$(PYTHON) NEST_VERSION=$(NEST_VERSION) bash envs/setup-venv.sh
	touch $@

run: setup  ## the study of CONFIG in DIR; results/summary.md is the answer
	@$(call snake,$(DIR),$(CONFIG))

tiny: setup  ## the whole DAG on config/tiny.yaml (about 4 minutes)
	@$(call snake,$(DIR),config/tiny.yaml)

dry-run: setup  ## what `make run` would do, without doing it
	@$(call snake,$(DIR),$(CONFIG),--dry-run --quiet rules)

map: setup  ## the validity map of CONFIG (results/map/<model>/); results/summary.md shows it
	@$(call snake,$(DIR),$(CONFIG),map)
	@$(if $(wildcard $(DIR)/results/summary.md),$(call snake,$(DIR),$(CONFIG),summary --quiet all))

paper: setup  ## composed print-sized figures of the run (results/paper/)
	@$(call snake,$(DIR),$(CONFIG),paper)

report: paper  ## the Snakemake report (results/report.html), opening on the answer
	@$(call snake,$(DIR),$(CONFIG),all paper $(if $(wildcard $(DIR)/results/map/*/map.csv),map) --report results/report.html)

export: setup  ## each base network's spikes as NWB and NIX
	@$(call snake,$(DIR),$(CONFIG),export)

tables: setup  ## print the run's answer tables (results/summary.md)
	@$(call snake,$(DIR),$(CONFIG),summary --quiet all)
	@cat $(DIR)/results/summary.md

unlock: setup  ## release Snakemake's lock of DIR by hand
	$(BIN)/python -m snakemake --unlock --cores 1 --directory $(DIR) --configfile $(CONFIG)

# a static pattern rule: make searches no implicit rule for a .PHONY target, so a plain
# preset-% rule would never run
$(addprefix preset-,$(PRESETS)): preset-%: setup  ## a preset: config/NAME.yaml in results/presets/NAME/
	@$(call snake,results/presets/$*,$(or $(PRESET_$*),config/$*.yaml))

## Tests
# The SLURM tier installs slurm-wlm and munge and writes /etc/slurm: it runs when CI=true
# or CONDRATE_TEST_SLURM=1, and is reported as skipped otherwise.
test: setup  ## the whole suite (test packages installed where missing)
	@bash envs/install-system.sh test || echo "condrate: tests that need the missing packages are skipped"
	$(BIN)/python -m pytest -ra --durations=30

test-quick: setup  ## the suite without Snakemake end-to-end runs, SLURM or MPI
	$(BIN)/python -m pytest -ra -m "not workflow and not slurm and not mpi"

lint: setup  ## snakemake --lint and snakefmt
	$(BIN)/python -m pytest -q tests/test_workflow.py -k "lint or snakefmt"

format: setup  ## snakefmt the workflow
	$(BIN)/python -m snakefmt Snakefile workflow/rules

clean:  ## remove results, logs, benchmarks and Snakemake's state of DIR
	cd $(DIR) && find results -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} + ; \
	  rm -rf logs benchmarks .snakemake

## Maintainers (the measurements in docs/)
# the network stage's benchmark of this machine goes to DIR/results/bench/ (paper Figure 5
# draws it; without it, the committed reference machine's bench/results/network.json)
bench: setup  ## benchmarks: network stage (results/bench/), fixed-step cost, side by side
	$(BIN)/python bench/run.py --out $(DIR)/results/bench/network.json
	$(BIN)/python bench/fixed_step.py
	$(BIN)/python bench/side_by_side.py --integrator nest
	$(BIN)/python bench/side_by_side.py --integrator fixed_step

scaling: preset-large  ## wall time and peak memory per stage of the 10^5-neuron preset
	$(BIN)/python bench/scaling.py results/presets/large large --json bench/results/scaling.json

dag-times: setup  ## where the default run's time goes (make run, make preset-fixed_step)
	$(BIN)/python bench/dag_time.py --exclude map . results/presets/fixed_step

fast-models: run preset-fixed_step  ## fixed-step neurons validated against NEST's (docs/fast-models.md)
	$(BIN)/python docs/fast_models.py . results/presets/fixed_step
	$(BIN)/python docs/hh_substeps.py

# the NESTML neurons (config/nestml.yaml): their study and the A-current neuron's map in
# results/presets/nestml/, then docs/tables/nestml.md and its copies in README.md and docs/
nestml: preset-nestml  ## NESTML twin and A-current neuron: study, map, tables (docs/models.md)
	@$(call snake,results/presets/nestml,config/nestml.yaml,map)
	@$(call snake,results/presets/nestml,config/nestml.yaml,summary --quiet all)
	$(BIN)/python docs/nestml_tables.py results/presets/nestml

# the classical-AI network (config/classical_ai.yaml): its study and its family of the
# validity map in results/presets/classical_ai/, then docs/tables/classical_ai.md, its
# copies and the map figures (docs/map.md)
classical-ai: preset-classical_ai  ## classical-AI preset and its map family, tables (docs/map.md)
	@$(call snake,results/presets/classical_ai,config/classical_ai.yaml,map)
	@$(call snake,results/presets/classical_ai,config/classical_ai.yaml,summary --quiet all)
	$(BIN)/python docs/classical_ai_tables.py results/presets/classical_ai

# the RS-FS AdEx network (config/rs_fs_adex.yaml), a two-model network: its study and
# its map over adaptation strength in results/presets/rs_fs_adex/, then
# docs/tables/rs_fs_adex.md and its figures
rs-fs: preset-rs_fs_adex  ## RS-FS AdEx preset (two models) and its map, tables (docs/adaptation.md)
	@$(call snake,results/presets/rs_fs_adex,config/rs_fs_adex.yaml,map)
	@$(call snake,results/presets/rs_fs_adex,config/rs_fs_adex.yaml,summary --quiet all)
	$(BIN)/python docs/rs_fs_tables.py results/presets/rs_fs_adex

# the adapting neurons (config/adaptation.yaml): their study, adaptation stage, map over
# adaptation strength and paper figure in results/presets/adaptation/, then
# docs/tables/adaptation.md and its copies
adaptation: preset-adaptation  ## adapting neurons: study, averaged variable, step, strength map, paper figure (docs/adaptation.md)
	@$(call snake,results/presets/adaptation,config/adaptation.yaml,paper map)
	@$(call snake,results/presets/adaptation,config/adaptation.yaml,summary --quiet all)
	$(BIN)/python docs/adaptation_tables.py results/presets/adaptation

# the committed tables of docs/ (docs/tables/, copied into README.md and docs/*.md) and
# the figures they show, from the default run in DIR (make run, make map, make paper)
figures: setup  ## docs/tables/ and docs/figures/ from the default run (and its map)
	$(BIN)/python docs/generate.py $(DIR)
