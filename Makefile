# Two commands on a fresh machine: `make run` (the offline demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# The tests drive Debian's Chromium (never a downloaded one), which needs CJK fonts, and start
# their own PostgreSQL server; attachments in Word 97/WPS formats are read by antiword and
# catdoc, RTF and what those refuse by LibreOffice (which the tests also use to make PDF and DOC
# files). These come from Debian's packages when missing.
SYSTEM_PACKAGES := chromium fonts-noto-cjk postgresql antiword catdoc libreoffice-writer-nogui libreoffice-calc-nogui

.PHONY: run test check lint types bench clean system-packages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "policywatch needs Python 3.11 or newer as $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/policywatch demo

system-packages:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES); }

# Everything, as CI runs it: the checks, then every test, the services ones too.
test: $(STAMP) system-packages lint types
	$(BIN)/pytest

# The fast tier, under a minute: lint, format, import contracts, types, the pure tests.
check: $(STAMP) lint types
	$(BIN)/pytest -q -m "not services"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

types: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) demo-output data .pytest_cache
