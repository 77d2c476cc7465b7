# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# icmpgate: `make` builds into build/; `make check` runs all three test tiers;
# `make demo` shows the filter on a two-namespace lab; `make deps` installs
# the Debian packages all of that needs; `make check-fresh` proves that on a
# bare Debian 12 root. V=1 shows the commands.

BUILD    ?= build
CC       ?= cc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PREFIX   ?= /usr/local
ARCH     := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-7s %s\n' $(1) $(2);
endif

HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
	-MMD -MP -Iinclude -Iuser -I$(BUILD) $(EXTRA_CFLAGS)
# -MD, not -MMD: the .d lists system headers too, which the format tier
# reads to prove that no BPF object includes a glibc header.
BPF_CFLAGS := -O2 -g -Wall -Werror -target bpf -D__TARGET_ARCH_$(ARCH) \
	-MD -MP -Iinclude -I/usr/include/$(MULTIARCH) $(EXTRA_BPF_CFLAGS)
LIBS := -lxdp -lbpf -ljson-c -lpcap -lsmartcols -lmicrohttpd -lelf -lz

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
SKELS     := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/%.skel.h)
USER_SRCS := $(wildcard user/*.c user/*/*.c)
USER_OBJS := $(USER_SRCS:user/%.c=$(BUILD)/user/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
# ar keeps one member per file name: user/x.c and user/policy/x.c would clash.
ifneq ($(words $(notdir $(LIB_OBJS))),$(words $(sort $(notdir $(LIB_OBJS)))))
$(error two sources under user/ share a file name: $(sort $(notdir $(LIB_OBJS))))
endif
LIB       := $(BUILD)/libicmpgate.a
BIN       := $(BUILD)/icmpgate

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
PROG_SRCS := $(wildcard tests/prog/*.c)
# lib/frame.c: the one frame builder of the prog tier and the tools.
FRAME_OBJ := $(BUILD)/lib/frame.o
PROG_OBJS := $(PROG_SRCS:tests/prog/%.c=$(BUILD)/tests/prog/%.o) $(FRAME_OBJ)
PROG_BIN  := $(BUILD)/tests/prog/test_prog
# tools/lib/ is the tools' shared code, linked into each, not a tool; the
# tools themselves sit by purpose (lab/: the forged-packet sender, gen/: the
# traffic generator, bench/: the benchmark drivers) and build into one
# folder, build/tools/.
TOOL_UTIL := $(BUILD)/tools/toolutil.o
TOOL_SRCS := $(wildcard tools/lab/*.c tools/gen/*.c tools/bench/*.c)
TOOL_BINS := $(addprefix $(BUILD)/tools/,$(basename $(notdir $(TOOL_SRCS))))
TOOL_CFLAGS := $(HOST_CFLAGS) -Itools/lib -Ilib

.PHONY: all deps check check-unit check-prog check-e2e check-format \
	check-fresh format demo bench install uninstall clean fuzz sanitize soak \
	FORCE
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BIN) $(TOOL_BINS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

# Every host object may include a skeleton: generate them first.
$(BUILD)/user/%.o: user/%.c | $(SKELS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(BUILD)/user/main.o $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# cmocka tests: an unregistered test function breaks the build.
TEST_CFLAGS := $(HOST_CFLAGS) -Werror=unused-function

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB) | $(SKELS)
	$(call msg,TEST,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) -lcmocka $(LIBS)

$(BUILD)/tests/prog/%.o: tests/prog/%.c | $(SKELS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(TEST_CFLAGS) -Ilib -c $< -o $@

$(FRAME_OBJ): lib/frame.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(PROG_BIN): $(PROG_OBJS) $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LIBS)

$(TOOL_UTIL): tools/lib/toolutil.c | $(SKELS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(TOOL_CFLAGS) -c $< -o $@

define tool_rule
$(BUILD)/tools/%: tools/$(1)/%.c $(TOOL_UTIL) $(FRAME_OBJ) $(LIB) | $(SKELS)
	$$(call msg,CC,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(TOOL_CFLAGS) $$(LDFLAGS) -o $$@ $$< $$(TOOL_UTIL) $$(FRAME_OBJ) $$(LIB) $$(LIBS) -lpthread
endef
$(foreach d,lab gen bench,$(eval $(call tool_rule,$(d))))

deps:
	$(Q)scripts/deps.sh

check: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BINS) $(PROG_BIN)
	$(Q)scripts/check.sh $(BUILD)

check-unit: $(UNIT_BINS)
	$(Q)scripts/check.sh $(BUILD) unit
check-prog: $(PROG_BIN)
	$(Q)scripts/check.sh $(BUILD) prog
check-e2e: $(BIN) $(BUILD)/tools/forge
	$(Q)scripts/check.sh $(BUILD) e2e
# The format tier also reads the BPF objects' .d files.
check-format: $(BPF_OBJS)
	$(Q)scripts/check.sh $(BUILD) format
# A bare Debian 12 root (debootstrap, chroot): deps, build, tiers, demo.
check-fresh:
	$(Q)scripts/check-fresh.sh

format:
	$(Q)clang-format -i $(wildcard bpf/*.c bpf/*.h include/*.h lib/*.c lib/*.h \
		user/*.c user/*.h user/*/*.c user/*/*.h tests/*/*.c tests/*/*.h \
		tools/*/*.c tools/*/*.h)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh $(BUILD)

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/bench/bench.sh $(BUILD)

# `make install` / `make uninstall`: the binary, the man page, the systemd
# unit icmpgate@.service (one instance per interface) and the script it
# runs, the unit icmpgate-metrics.service (`icmpgate serve`), bash
# completion, and an example policy; DESTDIR and PREFIX apply.
# The policy files in $(SYSCONFDIR)/icmpgate are the operator's: uninstall
# leaves them.
SYSCONFDIR ?= /etc
SBINDIR := $(PREFIX)/sbin
LIBEXECDIR := $(PREFIX)/libexec/icmpgate
UNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALLED := $(SBINDIR)/icmpgate $(PREFIX)/share/man/man8/icmpgate.8 \
	$(UNITDIR)/icmpgate@.service $(UNITDIR)/icmpgate-metrics.service \
	$(LIBEXECDIR)/icmpgate-unit \
	$(COMPLETIONDIR)/icmpgate $(PREFIX)/share/doc/icmpgate/example.policy
SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
	-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/icmpgate
	install -D -m 0644 man/icmpgate.8 $(DESTDIR)$(PREFIX)/share/man/man8/icmpgate.8
	@mkdir -p $(DESTDIR)$(UNITDIR) $(DESTDIR)$(LIBEXECDIR)
	$(SUBST) dist/icmpgate@.service.in >$(DESTDIR)$(UNITDIR)/icmpgate@.service
	$(SUBST) dist/icmpgate-metrics.service.in \
		>$(DESTDIR)$(UNITDIR)/icmpgate-metrics.service
	$(SUBST) dist/icmpgate-unit.in >$(DESTDIR)$(LIBEXECDIR)/icmpgate-unit
	chmod 0755 $(DESTDIR)$(LIBEXECDIR)/icmpgate-unit
	install -D -m 0644 dist/icmpgate.bash $(DESTDIR)$(COMPLETIONDIR)/icmpgate
	install -D -m 0644 dist/example.policy \
		$(DESTDIR)$(PREFIX)/share/doc/icmpgate/example.policy
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/icmpgate

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(PREFIX)/share/doc/icmpgate \
		2>/dev/null

# ---- sanitizers and fuzzing: not in `make check` ----------------------
# `make sanitize`: the controller, the tools and the unit tier built with
# ASan and UBSan into $(BUILD)/san, and the unit tier run.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
sanitize: deps
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/san \
		EXTRA_CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" all check-unit

# `make fuzz`: libFuzzer targets (tests/fuzz) with ASan and UBSan, each
# run FUZZ_TIME seconds (tests/fuzz/run.sh); the library they test is
# built with clang into $(BUILD)/fuzz.
FUZZ_TIME ?= 60
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,\
	$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
	-Iinclude -Iuser -I$(FUZZ_BUILD) $(SAN_FLAGS)

$(FUZZ_BUILD)/libicmpgate.a: FORCE
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
		EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(SAN_FLAGS)" $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libicmpgate.a
	$(call msg,FUZZ,$@)
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_BUILD)/libicmpgate.a $(LIBS)

# Then the differential verdict test of the prog tier (tests/prog/diff.c)
# on DIFF_ITERS random frames from DIFF_SEED (a number, or random).
DIFF_ITERS ?= 1000000
DIFF_SEED ?= random
fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS) $(PROG_BIN)
	$(Q)tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME)
	$(Q)$(PROG_BIN) diff --seed $(DIFF_SEED) --iters $(DIFF_ITERS) \
		--frames 1000

# `make soak`: SOAK_TIME seconds (default 600) of a million-source flood
# with a policy swap a second; memory, table and verdicts sampled
# (tests/soak/soak.sh). Not in `make check`.
SOAK_TIME ?= 600
soak: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)SOAK_TIME=$(SOAK_TIME) tests/soak/soak.sh $(BUILD)

FORCE:

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
