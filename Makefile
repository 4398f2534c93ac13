# fnat top-level build.
#
#   make demo     boot the test VM and show fnat configured from the seeds
#   make check    every test layer; ends with "check: N passed, M failed"
#   make          fnat.ko (for KVER) and fnatadm
#   make install  fnatadm, fnat-toa (real servers) and fnat.ko into DESTDIR/PREFIX

KVER ?= $(shell scripts/kver.sh 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KVER)
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
JOBS ?= $(shell nproc)

.PHONY: all deps kmod userspace check demo install clean help

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

install: all
	install -D -m 0755 $(BUILD)/userspace/fnatadm $(DESTDIR)$(PREFIX)/sbin/fnatadm
	install -D -m 0755 $(BUILD)/userspace/fnat-toa $(DESTDIR)$(PREFIX)/sbin/fnat-toa
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra modules_install

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	rm -rf $(BUILD)

help:
	@sed -n '3,7s/^# \{0,1\}//p' Makefile
