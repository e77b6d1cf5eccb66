# The two commands of the README's quick start, plus helpers.
#   make serve   set up .venv, build the site from postmortems/, serve on 127.0.0.1:8000
#   make test    set up .venv with test extras, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ADDR   ?= 127.0.0.1:8000

.PHONY: install serve site test lint bench clean

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
# build leaves the previous site/ as it was.
site: $(STAMP)
	rm -rf site.new
	$(BIN)/mkdocs build --strict --site-dir site.new
	rm -rf site.old
	if [ -d site ]; then mv site site.old; fi
	mv site.new site
	rm -rf site.old

lint: $(STAMP)
	$(BIN)/postmortem lint

# Every benchmark in bench/ (*_bench.py); each prints its figures and exits
# non-zero when it misses its budget.
bench: $(STAMP)
	set -e; for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script; done

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) site site.new site.old .pytest_cache test-artifacts
