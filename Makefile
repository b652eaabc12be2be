# loket — the two commands of the README: `make demo` and `make test`.
# Both install everything they need (Debian packages, a virtualenv, the package) and are
# quick when it is already installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-ind tesseract-ocr-osd \
	libtesseract-dev libleptonica-dev pkg-config g++ python3-venv python3-dev \
	poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui fonts-dejavu-core fonts-dejavu-extra fonts-liberation \
	fonts-freefont-ttf \
	postgresql softhsm2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_COUNT ?= 6

.PHONY: install system-packages demo test test-fast lint format bench clean-demo

install: system-packages $(VENV)/.installed

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml constraints.txt
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# tesserocr is compiled against the system's libtesseract: the same tesseract as the CLI
	$(BIN)/python -m pip install -q -c constraints.txt --no-binary tesserocr -e ".[dev]"
	touch $@

demo: install
	@mkdir -p inbox outbox
	@if [ -z "$$(ls -A inbox | grep -v .gitkeep)" ]; then \
		echo "Generating $(DEMO_COUNT) sample applications into inbox/ ..."; \
		$(BIN)/python -m samples inbox --count $(DEMO_COUNT) --seed 2026 \
			--truth var/demo-truth.json; \
	fi
	@echo "Demo signing key (a throw-away CA, NOT for production; an office plugs in its BSrE"
	@echo "certificate instead, see README):"
	$(BIN)/loket permit demo-keys
	$(BIN)/loket intake --stable-seconds 0
	$(BIN)/python -m samples.journey
	@f=$$(ls outbox/*/permit.pdf 2>/dev/null | head -1); \
	if [ -z "$$f" ]; then echo "No permit issued: nothing to verify."; exit 0; fi; \
	echo; echo "$$ loket permit verify $$f"; \
	$(BIN)/loket permit verify "$$f" || exit 1; \
	mkdir -p var; $(BIN)/python -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); \
		d[d.index(b"/Producer") + 2] ^= 1; open(sys.argv[2], "wb").write(d)' "$$f" var/izin-diubah.pdf; \
	echo; echo "$$ loket permit verify var/izin-diubah.pdf   # one byte changed"; \
	$(BIN)/loket permit verify var/izin-diubah.pdf; test $$? -eq 1
	@echo
	@echo "Results in outbox/: <registration number>/pages.json, checklist.json/.pdf,"
	@echo "surat-pengembalian.docx (incomplete files), draft/permit .docx/.pdf, kartu-kendali.pdf;"
	@echo "notifications/ (SMS), reports/ (SLA), _data-docs/ (data quality), _quarantine/."
	@ls -d outbox/*/ 2>/dev/null | head -20

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the dependency rule: [tool.importlinter] in pyproject.toml

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/python -m pytest -q

# the unit tier only (no tesseract, no Prefect server, no subprocesses), on both cores
# (pytest-xdist): under a minute. `make test` (CI) runs everything, in one process.
test-fast: install
	$(BIN)/python -m pytest -q -m unit -n 2

bench: install
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/classification.py

clean-demo:
	rm -rf outbox/* var/
