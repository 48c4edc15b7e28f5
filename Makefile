# Two commands do all the set-up:  make demo  |  make test
# Everything runs from a virtualenv in .venv with the pinned packages of requirements.txt.

PYTHON    ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
ARCHIVE_DB ?= archive.db
SEEDS     ?= seeds/demo.yml
PORT      ?= 8001
# Debian's Chromium headless shell (chromium-headless-shell: the browser without its window
# UI — a third of the memory and CPU a page costs in the full browser, which preloads an omnibox
# WebUI renderer for every context); without apt, Playwright's own build (system below).
CHROMIUM_PATH ?= /usr/bin/chromium-headless-shell
export CHROMIUM_PATH

.PHONY: install system demo archive crawl reextract serve replica test fuzz bench clean \
        push-seeds worker loader seeds-china

install: $(VENV)/.installed system

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Debian packages: Chromium (pages whose list is built by JavaScript, browser tests),
# LibreOffice (DOC/DOCX/WPS/XLS reports) and Redis (distributed mode and its tests).
# Installed only when missing; without apt, Chromium falls back to Playwright's own build
# (needs internet) and office files are reported unread.
system:
	@missing=""; \
	[ -x "$(CHROMIUM_PATH)" ] || missing="$$missing chromium-headless-shell fonts-noto-cjk"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui libreoffice-calc-nogui"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -z "$$missing" ]; then echo "system packages: present"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
	  echo "no apt-get: installing Playwright's own Chromium (needs internet); office files will not be read"; \
	  $(BIN)/playwright install chromium; \
	fi

# The demo archive (replica/demo.py): the bundled portal replica (127.0.0.1:8101-8107) crawled
# into a fresh file, then its second edition (one report edited, one deleted, one moved), and
# the result published over $(ARCHIVE_DB) — so a second `make archive` builds the same archive.
DEMO_SEEDS ?= seeds/demo.yml
archive: install
	$(BIN)/python -m replica.demo $(ARCHIVE_DB) --seeds $(DEMO_SEEDS)

# One crawl of real portals (for cron): make crawl SEEDS=seeds/jiaxing.yml
# A region or level of a seeds file: make crawl SEEDS=seeds/china/浙江省.yml REGION=浙江省嘉兴市 LEVEL=prefecture,county
# One writer per archive (the lock $(ARCHIVE_DB).lock, taken by crawl, archive, reextract and
# the loader alike): a second one says who holds it and exits 75;
# CRAWL_STATE: a killed or interrupted crawl is resumed as the same job.
CRAWL_STATE = crawl-state/$(basename $(notdir $(SEEDS)))
crawl: install
	mkdir -p crawl-state
	$(BIN)/scrapy crawl reports -a seeds=$(SEEDS) \
	  -s ARCHIVE_DB=$(ARCHIVE_DB) -s CRAWL_STATE=$(CRAWL_STATE) \
	  $(if $(REGION),-a region=$(REGION)) $(if $(LEVEL),-a level=$(LEVEL))

# seeds/china/<province>.yml again from seeds/registry/registry.csv (after editing the registry).
seeds-china: install
	$(BIN)/python seeds/generate_china.py

# Distributed mode (README "Many machines"): one Redis, any number of workers, one loader.
#   make push-seeds SEEDS=seeds/x.yml REDIS_URL=redis://host:6379/0   queue a crawl
#   make worker REDIS_URL=… [IDLE_EXIT=s]                              one crawl worker
#   make loader REDIS_URL=… ARCHIVE_DB=archive.db [IDLE_EXIT=s]        the one archive writer
# IDLE_EXIT=0 (default): run until stopped. A worker writes its WARC file into warcs/ beside
# ARCHIVE_DB (the loader's archive, where its captures rows point), or WARC_DIR if given.
REDIS_URL ?= redis://127.0.0.1:6379/0
IDLE_EXIT ?= 0
push-seeds: install
	$(BIN)/python -m crawler.distributed.push_seeds $(SEEDS) --redis $(REDIS_URL)

worker: install
	$(BIN)/python -m crawler.distributed.worker --redis $(REDIS_URL) --idle-exit $(IDLE_EXIT) \
	  --archive $(ARCHIVE_DB) $(if $(WARC_DIR),--warc-dir $(WARC_DIR)) $(WORKER_ARGS)

loader: install
	$(BIN)/python -m crawler.distributed.loader --redis $(REDIS_URL) --archive $(ARCHIVE_DB) \
	  --idle-exit $(IDLE_EXIT)

# Extract every archived report again from the WARC files (no network), e.g. after a fix.
reextract: install
	$(BIN)/python -m archive.reextract $(ARCHIVE_DB)

# Datasette with the archive's settings (publish/serve.py).
serve: install
	$(BIN)/python -m publish.serve $(ARCHIVE_DB) --port $(PORT)

# The port is checked before the crawl: a busy one is one line naming PORT=.
demo: install
	$(BIN)/python -m replica.demo $(ARCHIVE_DB) --seeds $(DEMO_SEEDS) --serve-port $(PORT)
	$(BIN)/python -m publish.serve $(ARCHIVE_DB) --port $(PORT)

# Serve the portal replica alone (foreground), e.g. to look at it in a browser.
replica: install
	$(BIN)/python -m replica

test: install
	$(BIN)/python -m pytest -q

# The property tests of the readers with many more examples (hypothesis profile `fuzz`).
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py tests/test_glued_property.py tests/test_noisy_property.py

# Speed, memory and query-latency figures against baselines measured in the same run, written
# to bench/RESULTS.md: extract, crawl, recrawl and queries (within 20 minutes on 2 cores).
# One part: make bench PART=extract|crawl|recrawl|queries|distributed|hostile|polite;
# a quick look at a smaller size: SIZE=small (or medium).
bench: install
	$(BIN)/python -m bench $(if $(PART),--part $(PART)) $(if $(SIZE),--size $(SIZE))

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
