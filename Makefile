# The two commands of the README's quick start, plus helpers.
#   make serve   set up .venv, build the site from postmortems/, serve on 127.0.0.1:8000
#   make test    set up .venv with test extras, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ADDR   ?= 127.0.0.1:8000

.PHONY: install serve site test test-long lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "postmortem-kb needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr $(ADDR)

# Builds into a fresh folder and swaps it in, so a failed or interrupted
# build leaves the previous site/ as it was. A run killed between the two
# moves leaves the previous site in site.old/; the next run puts it back.
site: $(STAMP)
	if [ ! -d site ] && [ -d site.old ]; then mv site.old site; fi
	rm -rf site.new
	$(BIN)/mkdocs build --strict --site-dir site.new
	rm -rf site.old
	if [ -d site ]; then mv site site.old; fi
	mv site.new site
	rm -rf site.old

lint: $(STAMP)
	$(BIN)/postmortem lint

# Every benchmark in bench/ (*_bench.py): build, lint, search, start-up, each
# against a baseline measured in the same run (about 20 minutes on 2 cores).
# Each prints its figures and exits non-zero when it misses a budget; all
# run, and the target fails if any missed.
bench: $(STAMP)
	status=0; for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || status=1; done; exit $$status

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The property tests of tests/robustness with thousands of examples each
# (`make test` runs a bounded number); see docs/reliability.md.
test-long: $(STAMP)
	$(BIN)/python -m pytest tests/robustness --hypothesis-profile=long $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) site site.new site.old .pytest_cache test-artifacts
