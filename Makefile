# The two commands of the README: `make run` and `make test`. Each installs what it needs.
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell md5sum requirements.txt | cut -c1-8)
PORT  ?= 8501
ADDRESS ?= 127.0.0.1
SCALE ?= reunion

.PHONY: run test bench venv chromium seed clean

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

# Builds the warehouse from seed_data/ only when there is none: real data is never overwritten.
seed: venv
	$(PY) -m loaders seed --if-empty --quiet

run: seed
	$(PY) -m streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

# Browser tests drive Debian's Chromium; as root we install it, otherwise they skip and say why.
# poppler-utils: pdftoppm renders the first page of the dialogue sheet to an image (tests/screenshots/).
chromium:
	@{ command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 \
	   && command -v pdftoppm >/dev/null 2>&1; } || \
	  [ "$$(id -u)" != 0 ] || \
	  { echo "Installation de chromium et des emoji (tests dans le navigateur, captures)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium fonts-noto-color-emoji poppler-utils >/dev/null; } || \
	  echo "chromium n'a pas pu être installé : les tests dans le navigateur seront ignorés."

test: venv chromium
	$(PY) -m pytest -q

bench: venv
	$(PY) -m bench --scale $(SCALE)

clean:
	rm -rf $(VENV) .pytest_cache
