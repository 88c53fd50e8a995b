# levelup-geo: `make demo` runs the main job, `make test` runs the tests.
# MIRROR: a folder (or http(s) URL) mirroring the ONS files; empty = download from ONS.
PYTHON ?= python3
VENV   ?= .venv
MIRROR ?= $(wildcard ../shared/data)
OUT    ?= out

# an absolute path (the tests run from tests/); an http(s) URL is passed as it is
export LEVELUP_MIRROR := $(if $(filter http://% https://%,$(MIRROR)),$(MIRROR),$(abspath $(MIRROR)))

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet ".[test]"
	touch $@

.PHONY: install dev test demo clean
install: $(VENV)/.installed

dev: install
	$(VENV)/bin/pip install --quiet --no-deps -e .

# Always reinstall the package itself (non-editable) so tests run what `pip install .` gives.
test: install
	rm -rf build  # a stale in-tree build would put modules of an older layout back into the install
	$(VENV)/bin/pip install --quiet --no-deps --force-reinstall .
	cd tests && LEVELUP_TEST_INSTALLED=1 ../$(VENV)/bin/pytest -q

AREA ?= County Durham

demo: install
	rm -rf build  # a stale in-tree build would put modules of an older layout back into the install
	$(VENV)/bin/pip install --quiet --no-deps --force-reinstall .
	$(VENV)/bin/levelup report --area "$(AREA)" --out $(OUT)/report --overwrite
	@echo "open $(OUT)/report/index.html"

# every area of these levels, in one process: a pack per area in $(OUT)/all-areas and a table of outcomes
LEVELS ?= lad24,utla23,pfa24,itl1
.PHONY: all-areas
all-areas: install
	rm -rf build  # a stale in-tree build would put modules of an older layout back into the install
	$(VENV)/bin/pip install --quiet --no-deps --force-reinstall .
	$(VENV)/bin/levelup report --all-areas $(LEVELS) --out $(OUT)/all-areas --overwrite

clean:
	rm -rf $(VENV) build dist *.egg-info $(OUT)

.PHONY: lint
lint: install
	$(VENV)/bin/pip install --quiet ".[lint]"
	$(VENV)/bin/ruff check geo tests benchmarks examples
	$(VENV)/bin/mypy geo

# the documentation site in docs/_build/html: the gallery runs against the mirror; a warning,
# a broken cross-reference or an example that raises fails the build; then the ">>>" examples of the
# getting-started and guide pages run (the API docstrings' examples run in tests/test_docstrings.py)
SPHINXOPTS ?= -W --keep-going -n
.PHONY: docs
docs: install
	rm -rf build  # a stale in-tree build would put modules of an older layout back into the install
	$(VENV)/bin/pip install --quiet ".[docs]"
	$(VENV)/bin/pip install --quiet --no-deps --force-reinstall .
	rm -rf docs/_build docs/generated docs/auto_examples
	$(VENV)/bin/sphinx-build -b html $(SPHINXOPTS) docs docs/_build/html
	$(VENV)/bin/sphinx-build -b doctest $(SPHINXOPTS) -D plot_gallery=0 docs docs/_build/doctest docs/getting_started.rst docs/guide/*.rst

.PHONY: bench
bench: install
	rm -rf build  # a stale in-tree build would put modules of an older layout back into the install
	$(VENV)/bin/pip install --quiet --no-deps --force-reinstall .
	cd benchmarks && ../$(VENV)/bin/pytest -q -s -p no:cacheprovider --benchmark-enable --benchmark-columns=min,median,mean,rounds test_bench_loading.py test_bench_aggregate.py test_bench_pockets.py test_bench_map.py test_bench_startup.py test_bench_report.py test_bench_assign.py

# a release: sdist and wheel in dist/, checked by twine (tests/test_wheel.py installs the wheel)
.PHONY: dist
dist: install
	rm -rf build dist
	$(VENV)/bin/python -m build
	$(VENV)/bin/twine check --strict dist/*
