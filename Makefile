# Two commands on a fresh Debian/Ubuntu machine (as root):
#   make run    installs what is missing, then runs the workflow on config/config.yaml
#   make test   installs what is missing, then runs the whole test suite
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip
NEST_VERSION := 3.10.0
CORES ?= 2
CONFIG ?= config/config.yaml
# the working directory (results/, logs/) of run and map
DIR ?= .

export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1

.PHONY: setup run run-fast fast-models dag-times unlock tiny aeif classical-ai mean-driven large map paper report export test lint format bench figures tables clean

# A run killed by SIGKILL (or a power loss) leaves Snakemake's lock behind: every target
# that runs the workflow releases a stale lock first (never a live run's), then
# --rerun-incomplete redoes the unfinished outputs, so the same command resumes.
# $(call unlocked,DIR,CONFIG)
unlocked = bash workflow/scripts/stale_lock.sh $(1) && \
  $(BIN)/snakemake --unlock --cores 1 --directory $(1) --configfile $(2) >/dev/null; true
# $(call resumed,DIR,CONFIGS[,TARGETS]): the workflow in DIR, stale lock released first
define resumed
@$(call unlocked,$(1),$(2))
$(BIN)/snakemake $(3) --directory $(1) --cores $(CORES) --resources vp=$(CORES) \
  --rerun-incomplete --configfile $(2)
endef

# condrate's NEST module (fixed-step neurons, src/condratemodule/) is built against this
# NEST once per source hash (~30 s; then it finds the built module and returns)
setup: $(VENV)/.condrate-installed
	@$(BIN)/python -m condrate.nestrun.extension build

$(VENV)/.condrate-installed: envs/system-packages.txt envs/build-requirements.txt envs/requirements.txt pyproject.toml
	bash envs/install-system.sh
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r envs/build-requirements.txt
	# NEST with MPI from the source distribution (~13 min once; pip caches the wheel)
	$(BIN)/python -c 'import nest, sys; sys.exit(not nest.build_info["have_mpi"])' 2>/dev/null || \
	  $(PIP) install --no-build-isolation --no-binary nest-simulator \
	    -C cmake.define.with-mpi=ON nest-simulator==$(NEST_VERSION)
	$(PIP) install -q -r envs/requirements.txt
	$(PIP) install -q --no-deps -e .
	touch $@

run: setup
	$(call resumed,$(DIR),$(CONFIG))

# release the lock by hand (make run and make map do it themselves when it is stale)
unlock: setup
	$(BIN)/snakemake --unlock --cores 1 --configfile $(CONFIG)

tiny: CONFIG = config/tiny.yaml
tiny: run

# preset: the classical conductance-based AI network (the three models, all stages); its
# neuron differs from the default's, so it runs in its own folder
classical-ai: setup
	$(call resumed,results/presets/classical_ai,config/classical_ai.yaml)

# preset: a mean-driven asynchronous network (weak recurrence, a strong heterogeneous
# current), in its own folder too: iaf_cond_exp and glif_cond, then hh_cond_exp_traub
# with its own current (config/mean_driven_hh.yaml on top)
MEAN_DRIVEN_HH = config/mean_driven.yaml config/mean_driven_hh.yaml
mean-driven: setup
	$(call resumed,results/presets/mean_driven,config/mean_driven.yaml)
	$(call resumed,results/presets/mean_driven_hh,$(MEAN_DRIVEN_HH))

# a 10^5-neuron network per model (config/large.yaml, network stage, its own folder),
# then wall time and peak memory per stage (bench/results/scaling.json, docs/scaling.md)
large: setup
	$(call resumed,results/presets/large,config/large.yaml)
	$(BIN)/python bench/scaling.py results/presets/large large --json bench/results/scaling.json

# the default study with condrate's fixed-step neurons (config/fixed_step.yaml on top of
# config/config.yaml), in its own folder
FIXED_STEP = config/config.yaml config/fixed_step.yaml
run-fast: setup
	$(call resumed,results/presets/fixed_step,$(FIXED_STEP))

# the fixed-step neurons validated against NEST's models: the default study with both
# (make run, make run-fast), then docs/fast_models.py (results/fixed_step/validation.json,
# docs/figures/fast_models.png and the tables of docs/fast-models.md) and
# docs/hh_substeps.py (the sub-step variants of hh_cond_exp_traub_rl)
fast-models: run run-fast
	$(BIN)/python docs/fast_models.py . results/presets/fixed_step
	$(BIN)/python docs/hh_substeps.py

# the validity map (config map section): network operating points over g and nu_ext per
# model, results/map/<model>/map.csv, .json and results/figures/map_<model>.pdf; it runs
# what it needs of the study (f-I fits, the base network, the open-loop calibration)
map: setup
	$(call resumed,$(DIR),$(CONFIG),map)

# composed, print-sized figures (results/paper/*.pdf, .png, captions.rst) of the run
# of $(CONFIG); run `make run` first (or it runs what is missing)
paper: setup
	$(BIN)/snakemake paper --cores $(CORES) --resources vp=$(CORES) --configfile $(CONFIG)

# the Snakemake report (every figure and key table with captions) of that run
report: paper
	$(BIN)/snakemake all paper --report results/report.html --configfile $(CONFIG)

# each base network run's spikes as NWB (pynwb) and NIX (Neo), beside spikes.parquet
export: setup
	$(BIN)/snakemake export --cores $(CORES) --resources vp=$(CORES) --configfile $(CONFIG)

# the default study with aeif_cond_exp (merged on top of config/config.yaml)
aeif: CONFIG = config/aeif.yaml
aeif: run

test: setup
	$(BIN)/pytest -ra

# snakemake --lint (every lint but the missing conda/container one fails) and snakefmt
lint: setup
	$(BIN)/pytest -q tests/test_workflow.py -k "lint or snakefmt"

format: setup
	$(BIN)/snakefmt Snakefile workflow/rules

# where the default run's time goes (Snakemake's benchmarks summed by kind of job), with
# NEST's models (.) and with the fixed-step neurons (make run-fast)
dag-times: setup
	$(BIN)/python bench/dag_time.py --exclude map . results/presets/fixed_step

# benchmarks (bench/results/*.json): the network stage, the fixed-step neurons' cost per
# neuron-step against NEST's models, independent simulations serial or side by side
bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/fixed_step.py
	$(BIN)/python bench/side_by_side.py --integrator nest
	$(BIN)/python bench/side_by_side.py --integrator fixed_step

# the README's rate-theory tables, printed from a run's summary.json files (a preset's:
# make tables RESULTS=results/presets/classical_ai/results)
RESULTS ?= results
tables: setup
	$(BIN)/python docs/summary_tables.py $(RESULTS)

# docs/figures/ is generated: the figures the README shows, copied from a run's
# results/figures and results/paper (make run, make paper, and the brainpy preset for
# its figure); docs/figures/paper_X.png is results/paper/X.png
figures:
	@for f in $$(grep -o 'docs/figures/[A-Za-z0-9_.-]*\.png' README.md | sort -u); do \
	  name=$$(basename $$f); \
	  case $$name in paper_*) src=results/paper/$${name#paper_} ;; *) src=results/figures/$$name ;; esac; \
	  test -f $$src || { echo "figures: $$src is missing; run the workflow first" >&2; exit 1; }; \
	  cp $$src $$f; echo "$$f <- $$src"; \
	done

clean:
	rm -rf results logs benchmarks .snakemake
