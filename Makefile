# `make run`: every recipe in quick mode, then out/REPORT.md (it replaces the previous quick run in out/).
# `make full`: the documents' own settings, into out/full/ (a second one is refused rather than delete its checkpoints).
# `make test`: the test suite.  `make bench`: the timings in benchmarks/, written to out/bench/.
# All create .venv from requirements.txt first when it is missing or older than the file, and
# install tf1_graphs into it (editable: `.venv/bin/tf1-run PROGRAM.py` runs a TF 1.x program).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements

.PHONY: run test full bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	cp requirements.txt $(STAMP)

run: $(STAMP)
	$(PY) -m recipes all --quick --overwrite

full: $(STAMP)
	$(PY) -m recipes all --full --out out/full

bench: $(STAMP)
	$(PY) -m benchmarks --out out/bench

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf out
