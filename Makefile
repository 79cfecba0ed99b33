# rune: `make` builds everything, `make install PREFIX=DIR` installs it, `make test` runs every test tier.
PREFIX ?= /usr/local
OUT ?= $(CURDIR)/out
SWIFT ?= swift
SWIFT_FLAGS ?=

RUNE_STATIC   := .build-static/release/rune
RUNE_DYNAMIC  := .build-release/release/rune
WASM_DIR      := pal/wasm/.build-wasm/release
SHIM_BIN      := shim/.build-shim/release/containerd-shim-rune-v2

.PHONY: all rune runelet pals wasm shim install test test-unit test-integration test-pal test-wasm test-shim bench clean

all: rune runelet pals wasm shim

# rune's own code calls metadata accessors instead of having the runtime demangle type names at
# first use: about a third fewer instructions for a short-lived `rune` (docs/performance.md). It does
# not import Concurrency and _StringProcessing implicitly, so the runelet (the init of every enclave
# container) loads 6 shared libraries fewer: 4.2 -> 3.2 ms for `--version`.
RUNE_CODEGEN := -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
	-Xswiftc -Xfrontend -Xswiftc -disable-implicit-concurrency-module-import \
	-Xswiftc -Xfrontend -Xswiftc -disable-implicit-string-processing-module-import

# The code rune runs is spread over its 7 MB of text, and each text page fault maps the 64 KiB around
# it (fault-around): scattered code costs resident memory and page faults, twice per container (the CLI
# and the init it re-executes). lld puts the functions that the common operations run next to each
# other, in the order of scripts/link-order/rune.order (made from real runs by scripts/link-order/gen.sh;
# a stale file costs memory, never correctness), and rune.ld gathers the few unnamed ones. -function-sections
# gives rune's own functions sections that can be moved; the static stdlib and libc have them already, or
# one object per function. The runelet's own code (its Swift runtime is shared) gets the same order.
# max-page-size=64 KiB puts each segment at a file offset congruent to its address modulo 64 KiB, so a
# fault-around block is one 64 KiB page-cache folio (as `cp` or `install` leave the file), not parts
# of two that the kernel would both map whole. Figures: docs/performance.md, "Link order".
RUNE_LINK_ORDER := -Xswiftc -use-ld=lld -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections \
	-Xlinker --symbol-ordering-file=$(CURDIR)/scripts/link-order/rune.order -Xlinker --no-warn-symbol-ordering \
	-Xlinker -T$(CURDIR)/scripts/link-order/rune.ld -Xlinker -z -Xlinker max-page-size=65536

# swift build neither recompiles when an -Xfrontend flag changes nor relinks when the order file or
# the linker script does: a scratch directory built with other flags starts afresh, and a changed
# order file or linker script means a relink.
define scratch-stamp
	@flags='$(strip $(2))'; order=$$(cat scripts/link-order/rune.order scripts/link-order/rune.ld | cksum); \
	[ "$$(sed -n 1p $(1)/.make-stamp 2>/dev/null)" = "$$flags" ] || rm -rf $(1); \
	[ "$$(sed -n 2p $(1)/.make-stamp 2>/dev/null)" = "$$order" ] || rm -f $(1)/release/rune; \
	mkdir -p $(1) && printf '%s\n%s\n' "$$flags" "$$order" > $(1)/.make-stamp
endef

# rune is short-lived and started for every operation: a static executable starts in about 1 ms.
RUNE_FLAGS = -Xswiftc -static-executable -Xlinker --strip-all $(RUNE_CODEGEN) $(RUNE_LINK_ORDER) $(SWIFT_FLAGS)
rune:
	$(call scratch-stamp,.build-static,$(RUNE_FLAGS))
	$(SWIFT) build -c release --product rune --scratch-path .build-static $(RUNE_FLAGS)

# The same code linked against the shared Swift runtime: the init-runelet of enclave containers,
# which must be able to dlopen Swift PALs (a static executable cannot; docs/enclave.md).
RUNELET_FLAGS = -Xlinker --strip-all $(RUNE_CODEGEN) $(RUNE_LINK_ORDER) $(SWIFT_FLAGS)
runelet:
	$(call scratch-stamp,.build-release,$(RUNELET_FLAGS))
	$(SWIFT) build -c release --product rune --scratch-path .build-release $(RUNELET_FLAGS)

pals:
	$(MAKE) -f pal/skeleton/skeleton.mk OUT=$(OUT)/lib/rune

wasm:
	cd pal/wasm && $(SWIFT) build -c release --scratch-path .build-wasm $(SWIFT_FLAGS)

shim:
	cd shim && $(SWIFT) build -c release --scratch-path .build-shim -Xswiftc -static-executable -Xlinker --strip-all $(SWIFT_FLAGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/rune $(DESTDIR)$(PREFIX)/include/rune
	install -m 0755 $(RUNE_STATIC) $(DESTDIR)$(PREFIX)/bin/rune
	install -m 0755 $(SHIM_BIN) $(DESTDIR)$(PREFIX)/bin/containerd-shim-rune-v2
	install -m 0755 $(WASM_DIR)/rune-enclave $(DESTDIR)$(PREFIX)/bin/rune-enclave
	install -m 0755 $(RUNE_DYNAMIC) $(DESTDIR)$(PREFIX)/lib/rune/rune-runelet
	install -m 0755 $(WASM_DIR)/libpal-wasm.so $(DESTDIR)$(PREFIX)/lib/rune/libpal-wasm.so
	install -m 0755 $(OUT)/lib/rune/liberpal-skeleton-v1.so $(OUT)/lib/rune/liberpal-skeleton-v2.so \
		$(OUT)/lib/rune/liberpal-skeleton-v3.so $(DESTDIR)$(PREFIX)/lib/rune/
	install -m 0644 Sources/CEnclavePAL/include/pal.h $(DESTDIR)$(PREFIX)/include/rune/pal.h

test: test-unit test-integration test-pal test-wasm test-shim

test-unit:
	$(SWIFT) test --scratch-path .build

test-integration:
	bash tests/integration/run.sh

test-pal:
	bash tests/pal/run.sh

test-wasm:
	bash tests/wasm/run.sh

test-shim:
	bash tests/shim/run.sh

bench:
	bash bench/run.sh

clean:
	rm -rf .build .build-static .build-release pal/wasm/.build-wasm shim/.build-shim $(OUT)
