# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovnbpf build.  `make` builds the BPF objects, their skeletons, ovnbpfd and
# ovnbpfctl; `make check` installs what is missing, builds and runs every
# test suite; `make demo` runs the local demo.  V=1 shows the commands.
#
# Sources are picked up by wildcard so that a new file in a directory needs
# no Makefile change:
#   bpf/*.bpf.c          datapath programs       -> build/bpf/*.bpf.o, *.skel.h
#   tests/bpf/progs/*.bpf.c  test-only programs  -> same
#   ovsdb-client/*.c     OVSDB library           -> linked into every binary
#   loader/*.c maps/*.c  daemon/ctl code         -> likewise; loader/ovnbpfd.c
#                        and loader/ovnbpfctl.c hold the two main()s
#   tests/unit/*.c tests/bpf/*.c                 -> build/test_progs
#   tests/fuzz/*.c       libFuzzer targets       -> build/fuzz/*

OUTPUT    ?= build
CLANG     ?= clang
CC        ?= cc
BPFTOOL   ?= bpftool
ARCH      := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	     -Wshadow -Wpointer-arith -Wmissing-prototypes -D_GNU_SOURCE \
	     -I. -I$(OUTPUT) -I$(OUTPUT)/bpf
LDLIBS    += -lbpf -lelf -lz -ljansson -lm -lpthread

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -mcpu=v3 \
	      -Wall -Wextra -Werror -Wno-unused-parameter \
	      -Wno-address-of-packed-member -I. -Ibpf -Ibpf/lib

BPF_SRCS   := $(wildcard bpf/*.bpf.c) $(wildcard tests/bpf/progs/*.bpf.c)
BPF_OBJS   := $(patsubst %.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(notdir $(BPF_SRCS)))
SKELS      := $(BPF_OBJS:.bpf.o=.skel.h)
BPF_HDRS   := $(wildcard bpf/lib/*.h bpf/*.h maps/*.h tests/bpf/progs/*.h) vmlinux.h

OVSDB_SRCS := $(wildcard ovsdb-client/*.c)
OVSDB_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(OVSDB_SRCS))
LOADER_MAINS := loader/ovnbpfd.c loader/ovnbpfctl.c
LOADER_SRCS := $(filter-out $(LOADER_MAINS),$(wildcard loader/*.c)) $(wildcard maps/*.c)
LOADER_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(LOADER_SRCS))
USER_HDRS  := $(wildcard ovsdb-client/*.h loader/*.h maps/*.h tests/*.h)

TEST_SRCS  := tests/test_progs.c $(wildcard tests/unit/*.c) $(wildcard tests/bpf/*.c)
TEST_OBJS  := $(patsubst %.c,$(OUTPUT)/%.o,$(TEST_SRCS))
FUZZ_SRCS  := $(wildcard tests/fuzz/*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))
# tests/tools/NAME.c: test-only programs (one main each) -> build/tools/NAME
TOOL_SRCS  := $(wildcard tests/tools/*.c)
TOOL_BINS  := $(patsubst tests/tools/%.c,$(OUTPUT)/tools/%,$(TOOL_SRCS))

APPS       := $(OUTPUT)/ovnbpfd $(OUTPUT)/ovnbpfctl

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps check demo demo-stop clean bench fuzz

all: $(BPF_OBJS) $(SKELS) $(APPS) $(OUTPUT)/test_progs $(TOOL_BINS)

deps:
	$(Q)./scripts/deps.sh

check: deps
	$(Q)$(MAKE) --no-print-directory all fuzz
	$(Q)./tests/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./scripts/demo.sh start

demo-stop:
	$(Q)./scripts/demo.sh stop

# pod->pod (run.sh), pod->router->pod (router.sh), conntrack (ct.sh); each
# appends its results to tests/bench/RESULTS.md.
bench: all
	$(Q)./tests/bench/run.sh
	$(Q)./tests/bench/router.sh
	$(Q)./tests/bench/ct.sh

fuzz: $(FUZZ_BINS)

$(OUTPUT) $(OUTPUT)/bpf $(OUTPUT)/fuzz:
	$(Q)mkdir -p $@

# BPF: compile, link with bpftool (resolves CO-RE externs, strips DWARF
# the kernel does not need), then emit the skeleton.
$(OUTPUT)/bpf/%.tmp.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bpf/%.tmp.bpf.o: tests/bpf/progs/%.bpf.c $(BPF_HDRS) | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itests/bpf/progs -c $< -o $@

$(OUTPUT)/bpf/%.bpf.o: $(OUTPUT)/bpf/%.tmp.bpf.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(OUTPUT)/bpf/%.skel.h: $(OUTPUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@.tmp && mv $@.tmp $@

# User space.  A static pattern, so that the BPF objects under build/bpf
# never match it.
USER_OBJS := $(OVSDB_OBJS) $(LOADER_OBJS) $(TEST_OBJS) \
	     $(patsubst %.c,$(OUTPUT)/%.o,$(LOADER_MAINS))
$(USER_OBJS): $(OUTPUT)/%.o: %.c $(USER_HDRS) $(SKELS) $(OUTPUT)/tests.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/ovnbpfd: $(OUTPUT)/loader/ovnbpfd.o $(LOADER_OBJS) $(OVSDB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/ovnbpfctl: $(OUTPUT)/loader/ovnbpfctl.o $(LOADER_OBJS) $(OVSDB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/tools/%: tests/tools/%.c $(LOADER_OBJS) $(OVSDB_OBJS) $(USER_HDRS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< $(LOADER_OBJS) $(OVSDB_OBJS) $(LDLIBS) -o $@

# The test list is generated, as in the kernel's test_progs: every
# `void test_NAME(void)` in tests/unit and tests/bpf is a named test.
# Regenerated on every make (a merge can bring test files older than the
# list); replaced only when the list changed, so nothing rebuilds needlessly.
$(OUTPUT)/tests.h: $(wildcard tests/unit/*.c tests/bpf/*.c) FORCE | $(OUTPUT)
	$(Q){ for f in $(filter %.c,$^); do grep -ohE '^void (test_[a-zA-Z0-9_]+)\(void\)' $$f | \
		sed -E 's/^void test_([a-zA-Z0-9_]+).*/DEFINE_TEST(\1)/'; done; } > $@.tmp && \
		{ cmp -s $@.tmp $@ && rm -f $@.tmp || { echo "  GEN      $@"; mv $@.tmp $@; }; }

.PHONY: FORCE
FORCE:

# ASSERT_EQ(u32_value, 2, ...) is the natural way to write a test.
$(TEST_OBJS): CFLAGS += -Wno-sign-compare

$(OUTPUT)/test_progs: $(TEST_OBJS) $(LOADER_OBJS) $(OVSDB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# libFuzzer targets: clang with the fuzzer and address sanitizers, linked
# against the library sources directly so that they are instrumented too.
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE -I. -I$(OUTPUT) -I$(OUTPUT)/bpf
$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(OVSDB_SRCS) $(LOADER_SRCS) $(USER_HDRS) $(SKELS) | $(OUTPUT)/fuzz
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< $(OVSDB_SRCS) $(LOADER_SRCS) $(LDLIBS) -o $@

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)
