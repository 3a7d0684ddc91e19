# zcp: cp for Linux that lets the kernel move the bytes.
# make [all] | check | demo | bench | install | uninstall | clean   (V=1: show commands)
# make check SANITIZE=1|thread, TESTS=...; make bench QUICK=1 (a few minutes)

PREFIX ?= /usr/local
# make check TESTS="tests/a.bats tests/b.bats": some suites only.
TESTS ?= tests
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Debian's zsh reads vendor-completions under /usr, site-functions elsewhere.
ZSHCOMPDIR ?= $(if $(filter /usr,$(PREFIX)),$(PREFIX)/share/zsh/vendor-completions,$(PREFIX)/share/zsh/site-functions)
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
PKGS = liburing popt
ZCP_CFLAGS = -std=gnu17 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -Isrc \
	$(shell pkg-config --cflags $(PKGS))
ZCP_LIBS = $(shell pkg-config --libs $(PKGS)) -pthread

# Linked statically so that every system call of the process is zcp's own
# and --stats can agree with strace; sanitizer builds link dynamically.
ifeq ($(SANITIZE),1)
BUILD = build/san
ZCP_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ZCP_LDFLAGS = -fsanitize=address,undefined
else ifeq ($(SANITIZE),thread)
# ThreadSanitizer: the workers and the walker (make check SANITIZE=thread).
BUILD = build/tsan
ZCP_CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
ZCP_LDFLAGS = -fsanitize=thread
else
BUILD = build/rel
ZCP_LDFLAGS = -static
endif

SRCS = $(wildcard src/*.c) $(wildcard src/methods/*.c)
OBJS = $(SRCS:%.c=$(BUILD)/%.o)
DEPS = $(OBJS:.o=.d)

ifeq ($(V),1)
Q =
else
Q = @
endif

all: zcp

# ./zcp is whichever build was made last (SANITIZE=1, thread or none).
zcp: $(BUILD)/zcp FORCE
	$(Q)cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

$(BUILD)/zcp: $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $(ZCP_LDFLAGS) -o $@ $(OBJS) $(ZCP_LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(ZCP_CFLAGS) -MMD -MP -c -o $@ $<

-include $(DEPS)

setup:
	$(Q)./scripts/setup.sh

check: setup
	$(Q)$(MAKE) --no-print-directory all
	$(Q)ZCP_SANITIZE=$(SANITIZE) bats $(TESTS)

demo: setup
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./scripts/demo.sh

bench: setup
	$(Q)$(MAKE) --no-print-directory all
	$(Q)QUICK=$(QUICK) ./bench/run.sh

install: zcp
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 zcp $(DESTDIR)$(BINDIR)/zcp
	install -m 644 man/zcp.1 $(DESTDIR)$(MANDIR)/zcp.1
	install -m 644 completions/zcp.bash $(DESTDIR)$(BASHCOMPDIR)/zcp
	install -m 644 completions/_zcp $(DESTDIR)$(ZSHCOMPDIR)/_zcp
	install -m 644 completions/zcp.fish $(DESTDIR)$(FISHCOMPDIR)/zcp.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/zcp $(DESTDIR)$(MANDIR)/zcp.1 \
		$(DESTDIR)$(BASHCOMPDIR)/zcp $(DESTDIR)$(ZSHCOMPDIR)/_zcp \
		$(DESTDIR)$(FISHCOMPDIR)/zcp.fish

clean:
	rm -rf build zcp

FORCE:

.PHONY: FORCE all setup check demo bench install uninstall clean
