# PayTerm — two commands set everything up on a fresh Debian machine:
#   make demo   install into .venv and start the terminal on the built-in sandbox wallet
#   make test   install and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip

# Debian packages the register needs at run time (Qt's xcb/EGL libs, sound, Japanese fonts,
# zbar for the pyzbar fallback decoder) ...
DEB_RUNTIME := libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libpulse0 libegl1 libgl1 \
               libxkbcommon-x11-0 fonts-noto-cjk libzbar0
# ... and for the tests (virtual screen, PKCS#11 token, a real browser for the wallet page, Node
# for the official Adyen API library that tests the local Terminal API as a POS, promtool from
# prometheus to check `payterm metrics`, reprepro for the signed apt repository, dpkg-dev and
# debootstrap to build the packages and install them in a Debian 12 chroot, pulseaudio to hear
# the packaged window's sounds played (a null sink); npm comes with
# NodeSource's nodejs, and from Debian's npm package only where the command is missing).
DEB_TEST    := xvfb softhsm2 chromium nodejs prometheus reprepro dpkg-dev debootstrap pulseaudio
# ... and to build and publish the packages (dpkg-shlibdeps, the signed apt repository).
DEB_PACKAGE := dpkg-dev reprepro gnupg
# ... and to rebuild the runtime's own OpenCV wheel (packaging/opencv.py; rarely: it is in git).
DEB_OPENCV  := cmake g++ ninja-build python3-dev

.PHONY: help venv sysdeps sysdeps-test sysdeps-npm debs-npm sysdeps-package demo test test-fast sandbox \
        package repo opencv-wheel clean adyen-client

help:
	@echo "make demo   - install into $(VENV) and start PayTerm on the sandbox wallet"
	@echo "make test   - install everything and run the whole test suite"
	@echo "make sandbox - only run the sandbox wallet server"
	@echo "make package - payterm-runtime and payterm .deb files in dist/ (see docs/deploy.md)"
	@echo "make repo REPO_KEY=KEYID - signed apt repository of dist/*.deb in dist/repo"
	@echo "make opencv-wheel - rebuild the runtime's OpenCV (packaging/wheels/) and the lock (~15 min)"

# --- system packages ------------------------------------------------------------------------
# Installs what is missing when run as root; otherwise prints the exact apt command and stops.
define ensure_debs
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	      || { echo "apt-get install failed for:$$missing"; exit 1; }; \
	  else \
	    echo "PayTerm needs these Debian packages. Please run:"; \
	    echo "    sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi
endef

sysdeps:
	$(call ensure_debs,$(DEB_RUNTIME))

sysdeps-test: sysdeps
	$(call ensure_debs,$(DEB_TEST))

sysdeps-npm:
	@command -v npm >/dev/null || $(MAKE) --no-print-directory debs-npm

debs-npm:
	$(call ensure_debs,nodejs npm)

sysdeps-package:
	$(call ensure_debs,$(DEB_PACKAGE))

# --- Python environment ---------------------------------------------------------------------
$(VENV)/.stamp-install: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[test]"
	@if ldconfig -p 2>/dev/null | grep -q libzbar; then $(PIP) install -q -e ".[zbar]"; fi
	@touch $@

venv: $(VENV)/.stamp-install

# The official Adyen Node API library, pinned in tests/pos/adyen_client/package-lock.json: the
# tests of the local Terminal API use it as a POS would.
ADYEN_CLIENT := tests/pos/adyen_client
$(ADYEN_CLIENT)/node_modules/.stamp-npm: $(ADYEN_CLIENT)/package.json $(ADYEN_CLIENT)/package-lock.json | sysdeps-npm
	cd $(ADYEN_CLIENT) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

adyen-client: $(ADYEN_CLIENT)/node_modules/.stamp-npm

# --- entry points ---------------------------------------------------------------------------
demo: sysdeps venv
	$(VENV)/bin/payterm demo

sandbox: venv
	$(VENV)/bin/payterm sandbox serve

test: sysdeps-test venv adyen-client
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

test-fast: venv adyen-client
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -x -m "not slow and not browser"

# Two packages: payterm-runtime (rebuilt only when packaging/requirements.lock or its recipe
# changes; kept in build/package-cache) and payterm (PayTerm's code). packaging/lock.py renews
# the lock after a change to pyproject's dependencies.
package: sysdeps-package
	$(PYTHON) packaging/build.py --out dist --work build/package --cache build/package-cache

opencv-wheel: sysdeps-package
	$(call ensure_debs,$(DEB_OPENCV))
	$(PYTHON) packaging/opencv.py && $(PYTHON) packaging/lock.py

repo: sysdeps-package
	@test -n "$(REPO_KEY)" || { echo "make repo needs REPO_KEY=<gpg key id of the release key>"; exit 1; }
	$(PY) packaging/repo.py --key "$(REPO_KEY)" --out dist/repo dist/*.deb

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis $(ADYEN_CLIENT)/node_modules
