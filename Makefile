# The two commands of the README's quick start, plus helpers.
#   make serve   set up .venv (what serving needs), build the site from postmortems/, serve on 127.0.0.1:8000
#   make test    set up .venv with the test extras, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ADDR   ?= 127.0.0.1:8000
# One stamp per set of extras: serving installs only what the site needs,
# testing adds playwright, hypothesis, pre-commit, pagefind and friends.
STAMP      := $(VENV)/.installed-runtime
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install serve site test test-long lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "postmortem-kb needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# The test extras include everything the runtime needs, so this stamp covers both.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(STAMP)

install: $(STAMP)

# --dirty: after the first build, a saved postmortem rebuilds only the pages
# that show it (docs/site.md, "Live preview"); the search index may lag.
serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty --dev-addr $(ADDR)

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

# Every benchmark in bench/ (*_bench.py): build, preview, lint, search,
# start-up, each against a baseline measured in the same run (about half an
# hour on 2 cores). Each prints its figures and exits non-zero when it misses
# a budget; all run, and the target fails if any missed. The search bench
# drives a browser, so this takes the test extras.
bench: $(TEST_STAMP)
	status=0; for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || status=1; done; exit $$status

test: $(TEST_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The property tests of tests/robustness with thousands of examples each
# (`make test` runs a bounded number); see docs/reliability.md.
test-long: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/robustness --hypothesis-profile=long $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) site site.new site.old .pytest_cache test-artifacts
