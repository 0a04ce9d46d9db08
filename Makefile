# The same targets everywhere: a developer's machine, CI (.ci/run) and a newcomer's fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean chromium axe screenshots

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Newswatch needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## embedded PostgreSQL, schema, seeds, then the service on http://127.0.0.1:8000
	$(BIN)/newswatch run

test: $(STAMP) chromium axe  ## the whole suite, against a real PostgreSQL, HTTP site and SMTP server
	$(BIN)/python -m pytest

# The browser tests drive Debian's chromium (never a downloaded browser); installed where apt can,
# skipped with a printed reason where it cannot be had.
chromium:
	@command -v chromium >/dev/null || \
	  (command -v apt-get >/dev/null && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium could not be installed: the browser tests will be skipped"

# axe-core (the accessibility engine the browser tests inject into each page), from npm, pinned;
# installed once where npm reaches its registry, else those checks are skipped with the reason.
AXE_VERSION := 4.11.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js
axe:
	@test -f $(AXE) || \
	  (command -v npm >/dev/null && npm install --silent --no-audit --no-fund --no-save --prefix .cache/axe axe-core@$(AXE_VERSION) >/dev/null 2>&1) || \
	  echo "axe-core could not be installed: the accessibility checks of the browser tests will be skipped"

screenshots: $(STAMP) chromium  ## every page at 390 and 1366 px into docs/screenshots/ (tests/web/screenshots.py)
	$(BIN)/python -m pytest tests/web/screenshots.py -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'  # datasketch, to compare with
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .newswatch-test .cache
