# The two commands of README.rst "Two commands on a fresh machine":
#   make demo   install what the example needs, then run it offline (emulated core)
#   make test   install everything (Chromium, npm, .venv), then run the whole suite with nox
# Both call scripts/bootstrap.sh, which skips whatever is already installed.

VENV ?= .venv
PY := $(abspath $(VENV))/bin/python
PORT ?= 8000
export VENV := $(abspath $(VENV))

.DEFAULT_GOAL := help
.PHONY: help install install-demo demo demo-asgi test test-quick test-browser screenshots

help:
	@echo "make demo          run the example at http://127.0.0.1:$(PORT)/ (runserver, WSGI)"
	@echo "make demo-asgi     the same under uvicorn (ASGI)"
	@echo "make test          the whole suite: lint, typecheck, tests (browser too), Django matrix"
	@echo "make test-quick    only the test suite on .venv (browser tests included)"
	@echo "make test-browser  only the real-browser tests"
	@echo "make screenshots   rerun the browser tests that write docs/*.png"

install:
	scripts/bootstrap.sh

install-demo:
	scripts/bootstrap.sh --no-browser

demo: install-demo
	cd example_project && $(PY) manage.py demo --port $(PORT)

demo-asgi: install-demo
	cd example_project && $(PY) manage.py demo --asgi --port $(PORT)

test: install
	$(PY) -m nox

test-quick: install
	$(PY) -m nox -s tests

test-browser: install
	$(PY) -m pytest tests/browser

screenshots: install
	UPDATE_DOCS_SCREENSHOTS=1 $(PY) -m pytest tests/browser -k "expired_access_token and wsgi"
