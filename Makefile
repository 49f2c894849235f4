# The two commands of the quick start: `make run` and `make test`. Each creates .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench eval install clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test,nlp,scale]'
	touch $(STAMP)

install: $(STAMP)

# exporting, quantising and indexing happen here, once, so the server itself starts without torch
run: $(STAMP)
	$(BIN)/cde-suggest models prepare
	$(BIN)/cde-suggest serve

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

bench: $(STAMP)
	$(BIN)/cde-suggest bench --json

eval: $(STAMP)
	$(BIN)/cde-suggest eval --benchmark gold --split test --json

clean:
	rm -rf $(VENV) .pytest_cache
