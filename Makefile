# The two commands of the README: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aidcorpus demo --out demo-output

test: $(STAMP)
	$(BIN)/ruff check aidcorpus crawler extract dedup corpus zhtext tests bench
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check aidcorpus crawler extract dedup corpus zhtext tests bench

bench: $(STAMP)
	$(BIN)/python bench/extract_eval.py
	$(BIN)/python bench/extract_proxy.py
	$(BIN)/python bench/extract_stress.py
	$(BIN)/python bench/extract_arbitration.py
	$(BIN)/python bench/repost_bench.py
	$(BIN)/python bench/crawl_bench.py
	$(BIN)/python bench/portal_eval.py
	$(BIN)/python bench/run_bench.py
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/skip_bench.py
	$(BIN)/python bench/search_bench.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache
