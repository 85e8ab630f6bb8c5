# The breast-calcification FAQ assistant. `make run` serves it, `make test` proves it.
# Every target sets up what it needs (virtualenv, pinned packages, spaCy pipeline, model).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10; pyenv provides it on our machines.
PYTHON310 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10) $(shell command -v python3.10))
VENV := .venv
BIN := $(VENV)/bin
SPACY_MODEL := build/spacy/en_calcifications
SPANISH_SPACY_MODEL := build/spacy/es_calcifications
MODEL := models/calcifications.tar.gz
WIDGET_JS := build/widget/clinic-chat.js
# Answers and clinic settings are read by the action server at start-up: editing them needs no training.
MODEL_INPUTS := config.yml domain.yml $(shell find data bot/nlp bot/components -name '*.yml' -o -name '*.py' 2>/dev/null) bot/contract.py $(SPACY_MODEL)/meta.json $(SPANISH_SPACY_MODEL)/meta.json

export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export RASA_TELEMETRY_ENABLED ?= false
# Defaults for `make run`; override any of them from the environment.
export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export ACTION_ENDPOINT_URL ?= http://localhost:$(ACTION_PORT)/webhook
export TRACKER_DB ?= var/trackers.db
# Messaging channels stay off (their webhooks answer 503) until their secrets are set, see
# docs/channels.md; Rasa needs every variable credentials.yml names, so each defaults to empty.
CHANNEL_VARS := $(shell grep -o '$${[A-Z0-9_]*}' credentials.yml | tr -d '$${}' | sort -u)
$(foreach var,$(CHANNEL_VARS),$(eval export $(var) ?=))
# Rasa sends it, the action server requires it; empty here, so scripts/serve.sh makes one per run.
export ACTION_SERVER_TOKEN ?=
export WIDGET_PORT ?= 8080

.PHONY: help install spacy-model train run test test-unit widget webchat chromium validate test-nlu test-core lint validate-deploy tune-fallback eval bench bench-insights fuzz purge clean run-prod test-prod loadtest review

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## Create .venv (Python 3.10) with the pinned dependencies

$(VENV)/.installed: requirements.lock requirements-nodeps.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found: install it (pyenv install 3.10) or set PYTHON310"; exit 1; }
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip==24.0'
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

spacy-model: $(SPACY_MODEL)/meta.json $(SPANISH_SPACY_MODEL)/meta.json ## Build the project's spaCy pipelines (English, Spanish) from code

$(SPACY_MODEL)/meta.json: $(VENV)/.installed bot/nlp/pipeline.py bot/nlp/vocabulary.py bot/nlp/vocabulary.yml
	$(BIN)/python -m bot.nlp.pipeline $(SPACY_MODEL)

# Its lemma table keeps the lemmas the Spanish training data uses (bot/nlp/pipeline.py says why).
$(SPANISH_SPACY_MODEL)/meta.json: $(VENV)/.installed bot/nlp/pipeline.py bot/nlp/vocabulary.py bot/nlp/vocabulary.es.yml $(wildcard data/nlu/es/*.yml)
	$(BIN)/python -m bot.nlp.pipeline $(SPANISH_SPACY_MODEL) es

train: $(MODEL) ## Train the Rasa model when it is missing or older than its data and config

$(MODEL): $(VENV)/.installed $(MODEL_INPUTS)
	$(BIN)/rasa train --force --fixed-model-name calcifications --out models

run: train widget ## Serve the assistant: actions :5055, Rasa :5005, demo page with the widget :8080
	@mkdir -p $(dir $(TRACKER_DB))
	scripts/serve.sh

test: train ## The whole suite: lint, data and deployment-file checks, unit, NLU and story tests, end-to-end
	$(MAKE) --no-print-directory lint validate validate-deploy test-nlu test-core test-unit

test-unit: $(VENV)/.installed widget webchat chromium ## pytest: unit, end-to-end against real servers, the widget in chromium
	$(BIN)/python -m pytest -q

validate: $(VENV)/.installed ## Check domain, NLU data, stories and rules for consistency
	$(BIN)/rasa data validate --fail-on-warnings --max-history 5

test-nlu: train ## Evaluate NLU on the held-out set (tests/eval/heldout.yml)
	$(BIN)/rasa test nlu --nlu tests/eval/heldout.yml --model $(MODEL) --out reports/nlu --no-plot

test-core: train ## Run the test stories (tests/stories/) against the dialogue policies
	$(BIN)/rasa test core --stories tests/stories --model $(MODEL) --out reports/core --e2e --fail-on-prediction-errors --no-plot

widget: $(WIDGET_JS) ## Build the website widget into build/widget/ (npm ci; socket.io-client bundled, no CDN)

$(WIDGET_JS): widget/package.json widget/package-lock.json widget/build.mjs $(wildcard widget/src/*)
	scripts/build_widget.sh $(dir $(WIDGET_JS))

webchat: ## Fetch rasa-webchat 1.0.1 (npm) for the browser test that proves it works with our channel
	scripts/fetch_webchat.sh build/webchat

chromium: ## Install Debian's chromium for the browser test when /usr/bin/chromium is missing
	scripts/install_chromium.sh

lint: $(VENV)/.installed ## ruff over the project's Python, mypy over bot/ and actions/
	$(BIN)/ruff check bot actions tests scripts tools
	$(BIN)/mypy

review: $(VENV)/.installed ## Clinical sign-off of the answers in the terminal (ARGS=--list, ARGS='--sign "Name, RN"')
	$(BIN)/python -m tools.review $(ARGS)

tune-fallback: $(VENV)/.installed $(SPACY_MODEL)/meta.json ## Score fallback thresholds by 5-fold cross-validation
	$(BIN)/python scripts/tune_fallback.py

eval: train .venv-eval/.installed ## Accuracy report: the assistant beside TF-IDF and MiniLM baselines (reports/eval/)
	$(BIN)/python -m tools.eval --embedding-python .venv-eval/bin/python

# Side venvs, Python 3.11, for tools whose dependencies the Rasa venv cannot hold: .venv-eval
# (the MiniLM baseline needs torch) and .venv-deploy (checkov's pins clash with Rasa's), each
# from its requirements-<name>.txt.
PYTHON311 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.11*/bin/python3.11) $(shell command -v python3.11))
.venv-%/.installed: requirements-%.txt
	@test -n "$(PYTHON311)" || { echo "Python 3.11 not found: install it (pyenv install 3.11) or set PYTHON311"; exit 1; }
	test -x .venv-$*/bin/python || $(PYTHON311) -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade 'pip==24.0'
	.venv-$*/bin/python -m pip install --quiet -r $<
	touch $@

# Offline checks of the container and Kubernetes files: no container runtime or cluster is needed
# (docs/deploy.md, "What was checked here"); the validators live in .venv-deploy (above).
K8S_VERSION ?= 1.33.0
K8S_MANIFESTS = $(filter-out deploy/k8s/kustomization.yaml,$(wildcard deploy/k8s/*.yaml))
# checkov offline: no platform downloads (--skip-download, BC_SKIP_MAPPING), no version check;
# tools/checkov_gate.py fails on any finding, and when a framework found nothing to check.
# A check is skipped only with its reason next to what it is about (a `checkov.io/skipN: ID=reason`
# annotation in deploy/k8s/, or a `checkov:skip=ID: reason` comment).
CHECKOV := BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE .venv-deploy/bin/checkov \
  --skip-download --quiet --compact --output json --framework
CHECKOV_GATE := .venv-deploy/bin/python tools/checkov_gate.py

validate-deploy: .venv-deploy/.installed ## Check Dockerfile, compose and k8s files offline (kubernetes-validate, hadolint, shellcheck, checkov)
	.venv-deploy/bin/kubernetes-validate --strict --kubernetes-version $(K8S_VERSION) $(K8S_MANIFESTS)
	.venv-deploy/bin/hadolint --no-color --failure-threshold info Dockerfile
	.venv-deploy/bin/shellcheck deploy/docker/entrypoint.sh
	set -o pipefail; $(CHECKOV) dockerfile secrets -f Dockerfile | $(CHECKOV_GATE) dockerfile
	set -o pipefail; $(CHECKOV) kubernetes secrets -d deploy/k8s | $(CHECKOV_GATE) kubernetes
	set -o pipefail; $(CHECKOV) yaml secrets --external-checks-dir deploy/checkov -f deploy/compose.yaml \
	  | $(CHECKOV_GATE) yaml

bench: train ## Speed report: the assistant beside stock Rasa and a bare Sanic echo (reports/bench/)
	$(BIN)/python -m tools.bench $(BENCH_ARGS)

bench-insights: $(VENV)/.installed ## How fast /insights reads a store of a million events (reports/bench/insights.md)
	$(BIN)/python -m tools.bench.insights $(BENCH_INSIGHTS_ARGS)

run-prod: train widget ## Production profile here: nginx :8000, Rasa :5005+:5006, PostgreSQL, Redis, actions
	$(BIN)/python -m tools.prod.stack

test-prod: train widget ## Tests that need the production profile (started and stopped by the tests)
	$(BIN)/python -m pytest -q -m prod tests/prod

loadtest: train widget ## Load and fault scenarios on the production profile, written to docs/reliability.md
	$(BIN)/python -m tools.prod.loadtest $(LOADTEST_ARGS)

fuzz: $(VENV)/.installed ## The fuzz tests (hypothesis) with 2000 fresh examples each instead of 40
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -m fuzz

purge: $(VENV)/.installed ## Delete conversations idle for over DAYS days (default: RETENTION_DAYS, 90)
	$(BIN)/python -m bot.privacy.retention $(if $(DAYS),--days $(DAYS))

clean: ## Remove models, the spaCy pipeline, reports and local conversations
	rm -rf build models reports results var .rasa
