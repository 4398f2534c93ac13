# fnat top-level build.
#
#   make demo     boot the test VM and show fnat configured from the seeds
#   make check    every test layer; ends with "check: N passed, M failed"
#   make bench    fnat against IPVS in the VM; writes docs/benchmarks.md
#   make          fnat.ko (for KVER) and fnatadm
#   make install  fnatadm, its man page, fnat-toa (real servers) and fnat.ko into DESTDIR/PREFIX
#   make uninstall  removes what make install installed

KVER ?= $(shell scripts/kver.sh 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KVER)
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
JOBS ?= $(shell nproc)

.PHONY: all deps kmod userspace check demo bench install uninstall clean help

all: kmod userspace

deps:
	@bash scripts/install-deps.sh

kmod: deps
	@test -n "$(KVER)" || { echo "no kernel headers: run scripts/install-deps.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod CONFIG_FNAT=m KCFLAGS=-Werror modules

userspace: deps
	cmake -S userspace -B $(BUILD)/userspace -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD)/userspace -j $(JOBS)

check:
	@bash scripts/check.sh --kver "$(KVER)"

demo: all
	@bash scripts/demo.sh --kver "$(KVER)"

# BENCH_ARGS: scripts/bench.sh's options, e.g. BENCH_ARGS="--rounds 5".
bench: all
	@bash scripts/bench.sh --kver "$(KVER)" $(BENCH_ARGS)

install: all
	install -D -m 0755 $(BUILD)/userspace/fnatadm $(DESTDIR)$(PREFIX)/sbin/fnatadm
	install -D -m 0755 $(BUILD)/userspace/fnat-toa $(DESTDIR)$(PREFIX)/sbin/fnat-toa
	install -D -m 0644 docs/fnatadm.8 $(DESTDIR)$(PREFIX)/share/man/man8/fnatadm.8
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra modules_install

# The module as modules_install put it (compressed when the headers' config
# says so); run depmod -a afterwards, as after make install.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/fnatadm $(DESTDIR)$(PREFIX)/sbin/fnat-toa
	rm -f $(DESTDIR)$(PREFIX)/share/man/man8/fnatadm.8
	@test -n "$(KVER)" || { echo "uninstall: no KVER, fnat.ko left in place" >&2; exit 1; }
	rm -f $(DESTDIR)/lib/modules/$(KVER)/extra/fnat.ko $(DESTDIR)/lib/modules/$(KVER)/extra/fnat.ko.*

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	rm -rf $(BUILD)

help:
	@sed -n '3,9s/^# \{0,1\}//p' Makefile
