# Makefile - the front door.  `make` builds build/vulnflow; `make run` serves an
# instance in ./var; `make check` runs every test; `make bench` runs the benchmarks.
# Each target first installs the Debian packages it needs (tools/deps.sh).

LISTEN ?= 127.0.0.1:8080
DIR ?= var
MESON ?= meson
NINJA ?= ninja

.PHONY: all deps run check bench fuzz clean

all: build/vulnflow

deps:
	@tools/deps.sh build

build/build.ninja: | deps
	$(MESON) setup build --buildtype=release

# ninja knows the real dependencies; always ask it
build/vulnflow: build/build.ninja FORCE
	@$(NINJA) -C build vulnflow

FORCE:

run: build/vulnflow
	@if [ ! -f $(DIR)/vulnflow.conf ]; then build/vulnflow init --dir $(DIR); fi
	@echo "vulnflow: API at http://$(LISTEN)/api/v1/ (reference: /api/v1/openapi.json); stop with Ctrl-C"
	@echo "vulnflow: web UI at http://$(LISTEN)/ (report form /report, analyst console /console)"
	build/vulnflow serve --dir $(DIR) --listen $(LISTEN)

# -Werror + AddressSanitizer/UndefinedBehaviorSanitizer build for the tests
build-check/build.ninja:
	@tools/deps.sh check
	$(MESON) setup build-check --buildtype=debug -Dwerror=true -Db_sanitize=address,undefined \
		-Db_lundef=false

# libFuzzer targets, built with clang
build-fuzz/build.ninja:
	@tools/deps.sh check
	CC=clang $(MESON) setup build-fuzz --buildtype=debug -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false

check: build-check/build.ninja build-fuzz/build.ninja
	@tools/deps.sh check
	$(NINJA) -C build-check
	$(NINJA) -C build-fuzz
	tests/run-all.sh

bench: build/vulnflow
	@tools/deps.sh bench
	bench/run

clean:
	rm -rf build build-check build-fuzz
