# MLE Path. `make run` serves the app, `make test` runs the whole suite.
# Both set up what is missing first (.venv, requirements, migrations, content).

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := mlepath.settings

.PHONY: run test serve serve-setup serve-proxy lint venv deps dev-deps db clean bench loadtest linkcheck messages

# Find Python >= 3.12: the version .python-version names first, then any 3.13 / 3.12.
$(PY):
	@py=""; \
	for c in "$$HOME/.pyenv/versions/$$(cat .python-version 2>/dev/null)/bin/python3" python3.13 python3.12 \
	         $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then py="$$c"; break; fi; \
	done; \
	if [ -z "$$py" ]; then echo "MLE Path needs Python 3.12 or newer, and none was found. Install Python 3.13 (e.g. 'pyenv install 3.13') and run make again." >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$($$py --version)"; \
	"$$py" -m venv $(VENV)

venv: $(PY)

$(VENV)/.deps: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.deps

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

# Local development settings, written once and never overwritten: with them
# `.venv/bin/python manage.py ...` works as the README shows. Real environment
# variables win over the file (mlepath/settings.py), so `make serve` stays DEBUG=0.
.env: | $(PY)
	@key=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') && umask 077 && \
	printf '%s\n' '# Local settings for development only, written by make (README, "Configuration"): never use them in production.' \
	  'DEBUG=1' "SECRET_KEY=$$key" > $@ && echo "Wrote $@ (DEBUG=1 and a new SECRET_KEY, for development only)"

db: deps .env
	DEBUG=1 $(PY) manage.py migrate --no-input
	@if DEBUG=1 $(PY) manage.py help loadroadmap >/dev/null 2>&1; then DEBUG=1 $(PY) manage.py loadroadmap; fi

# Each server target runs the background worker (`manage.py worker`: mail and
# other tasks) beside the web server, started again by deploy/supervise if it
# ever exits, and stops it when the server stops (Ctrl-C too).
# `make run`'s worker reloads on code changes, as runserver does.
run: db
	DEBUG=1 deploy/supervise $(PY) manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: dev-deps .env
	DEBUG=1 $(PY) -m pytest $(PYTEST_ARGS)

# Production-like: DEBUG off, hashed static files served by whitenoise, gunicorn.
# Plain HTTP on loopback, so no HTTPS redirect; a real deployment sits behind TLS.
SERVE_ENV = DEBUG=0 SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} \
	SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key 2>/dev/null)}"
serve-setup: deps
	@[ -n "$$SECRET_KEY" ] || [ -s .secret-key ] || $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret-key
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	@if $(SERVE_ENV) $(PY) manage.py help loadroadmap >/dev/null 2>&1; then $(SERVE_ENV) $(PY) manage.py loadroadmap; fi
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0

serve: serve-setup
	$(SERVE_ENV) deploy/supervise $(PY) manage.py worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(SERVE_ENV) $(VENV)/bin/gunicorn mlepath.wsgi --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

# The production topology on one machine (README, "Production behind nginx"):
# Debian's nginx on 127.0.0.1:$(PORT), installed if missing, configured from
# deploy/nginx.conf, in front of two gunicorn servers ($(PORT)+1, $(PORT)+2) and
# the worker. nginx sets X-Forwarded-For, so the app trusts one proxy.
serve-proxy: serve-setup
	$(SERVE_ENV) TRUSTED_PROXY_COUNT=1 SECURE_PROXY_SSL_HEADER=1 PORT=$(PORT) VENV=$(VENV) deploy/serve-proxy

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Fetch every resource URL of the content files and report redirects and failures.
# Needs the internet (CI has none); CHECKLINKS_ARGS=--strict also fails on permanent redirects.
linkcheck: deps
	DEBUG=1 $(PY) manage.py checklinks $(CHECKLINKS_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Benchmark of the hot paths against the production-like server (see README, "Performance").
# On PostgreSQL when DATABASE_URL is set (it uses its own database, mlepath_bench), SQLite otherwise.
bench: deps
	@command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m tests.bench.run $(BENCH_ARGS)

# 50 simulated learners for 60 s against the production-like server on PostgreSQL
# (README, "Load test"). Needs DATABASE_URL=postgres://...; uses its own database.
loadtest: deps
	$(PY) -m tests.bench.loadtest $(LOADTEST_ARGS)

# The message catalogues (README, "Languages"): collect every marked string of
# the code and templates into locale/<code>/LC_MESSAGES/django.po, keep the
# translations already there, and compile them (both files are committed, so
# `make run` needs no gettext). Needs GNU gettext (Debian's package gettext).
messages: dev-deps
	@command -v xgettext >/dev/null || { echo "installing gettext"; apt-get install -y -qq gettext >/dev/null; }
	DEBUG=1 $(PY) manage.py makemessages --all --no-obsolete --add-location file --ignore '.venv/*' --ignore 'tests/*' --ignore 'staticfiles/*' --ignore 'deploy/*'
	DEBUG=1 $(PY) manage.py compilemessages --ignore '.venv/*'
