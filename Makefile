# `make run`: every recipe in quick mode, then out/REPORT.md (it replaces the previous quick run in out/).
# `make full`: the documents' own settings, into out/full/ (a second one is refused rather than delete its checkpoints).
# `make test`: the test suite.  `make bench`: the timings in benchmarks/, written to out/bench/.
# `make goldens`: re-record what TensorFlow 1.15.5 builds and computes (tests/tf115/record_*.py),
# with TF115_PYTHON, a Python 3.7 venv holding it (see tests/tf115/README.md); tests never need it.
# All create .venv from requirements.txt first when it is missing or older than the file, and
# install tf1_graphs into it (editable: `.venv/bin/tf1-run PROGRAM.py` runs a TF 1.x program).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements

TF115_PYTHON ?= $(HOME)/.cache/tf1_graphs/tf115-venv/bin/python

.PHONY: run test full bench goldens clean

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

goldens: $(STAMP)
	@test -x "$(TF115_PYTHON)" || { echo "make goldens: no TensorFlow 1.15.5 Python at $(TF115_PYTHON); set TF115_PYTHON"; exit 2; }
	for script in tests/tf115/record_*.py; do "$(TF115_PYTHON)" "$$script" || exit 1; done

clean:
	rm -rf out
