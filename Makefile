# fnat top-level build.
#
#   make demo     boot the test VM and show fnat configured from the seeds
#   make check    every test layer; ends with "check: N passed, M failed"
#   make check-debug  the e2e scenarios in the VM booting a checking kernel
#                 (KASAN, kmemleak, lockdep, UBSAN) built from linux-source-6.1,
#                 about 70 min the first time; ends with "check-debug: N passed,
#                 M failed"
#   make bench    fnat against IPVS in the VM; writes docs/benchmarks.md
#   make          fnat.ko (for KVER) and fnatadm
#   make install  build, then install-files
#   make install-files  install what is built, into DESTDIR: fnatadm, fnat-toa,
#                 fnat-rules, fnat-sync under PREFIX/sbin (PREFIX=/usr/local),
#                 the man page, bash completion, the systemd units fnat.service,
#                 fnat-sync@.service, fnat-toa.service in SYSTEMDUNITDIR
#                 (PREFIX/lib/systemd/system), SYSCONFDIR/fnat/sync.conf and
#                 SYSCONFDIR/default/fnat (SYSCONFDIR=/etc) unless they exist,
#                 and KMOD_DIR's fnat.ko into /lib/modules/KVER/extra
#   make uninstall  remove what install-files installed; config files only when
#                 unchanged, the rules file never (same PREFIX, DESTDIR, KVER)
#   make dkms-install  sources into /usr/src/fnat-VERSION, then dkms add, build,
#                 install for DKMS_KVER (KVER; "all": every kernel with headers)
#   make dkms-remove   dkms remove fnat/VERSION --all, remove /usr/src/fnat-VERSION
#   make version  the version (dkms.conf), checked against the other sources

KVER ?= $(shell scripts/kver.sh 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KVER)
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
JOBS ?= $(shell nproc)
# Configuration goes under /etc whatever PREFIX is. Units go under PREFIX as
# the rest: /usr/local/lib/systemd/system and /usr/lib/systemd/system are
# both on systemd's unit path (on a merged-/usr system /lib/systemd/system is
# the latter), and fnat-toa's CMake install uses PREFIX/lib/systemd/system.
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# Where fnat.ko was built (kbuild's M=): install-files installs it from there.
KMOD_DIR ?= $(CURDIR)/kmod

SBINDIR := $(PREFIX)/sbin
MANDIR := $(PREFIX)/share/man
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
# keepalived's notify scripts (docs/keepalived.md); the example
# keepalived.conf names them there.
LIBEXECDIR := $(PREFIX)/libexec/fnat
DOCDIR := $(PREFIX)/share/doc/fnat

# The version: PACKAGE_VERSION of dkms.conf (packaging/version.sh checks the
# module's and fnatadm's against it).
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$$/\1/p' dkms.conf)
DKMS ?= dkms
# DKMS_FLAGS: more dkms options, e.g. --dkmstree DIR --installtree DIR
# --no-depmod (tests/dkms/run.sh installs into private trees this way).
DKMS_FLAGS ?=
DKMS_SOURCE_TREE ?= /usr/src
DKMS_KVER ?= $(KVER)

.PHONY: all deps test-deps kmod userspace check check-debug demo bench install install-files uninstall \
	dkms-source dkms-install dkms-remove version clean help

all: kmod userspace

# What building needs (a director's or real server's packages), and what the
# tests, the demo and the benchmarks need on top.
deps:
	@bash scripts/install-deps.sh --build

test-deps:
	@bash scripts/install-deps.sh

kmod: deps
	@test -n "$(KVER)" || { echo "no kernel headers: run scripts/install-deps.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod CONFIG_FNAT=m KCFLAGS=-Werror modules

userspace: deps
	cmake -S userspace -B $(BUILD)/userspace -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD)/userspace -j $(JOBS)

check:
	@bash scripts/check.sh --kver "$(KVER)"

check-debug:
	@bash scripts/check-debug.sh

demo: test-deps all
	@bash scripts/demo.sh --kver "$(KVER)"

# BENCH_ARGS: scripts/bench.sh's options, e.g. BENCH_ARGS="--rounds 5".
bench: test-deps all
	@bash scripts/bench.sh --kver "$(KVER)" $(BENCH_ARGS)

install: all
	@$(MAKE) --no-print-directory install-files

# The templates' @...@ become the installed paths.
SUBST := sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	-e 's|@DOCDIR@|$(DOCDIR)|g' -e 's|@CMAKE_INSTALL_PREFIX@|$(PREFIX)|g'

# $(call generate,TEMPLATE,DEST,MODE): TEMPLATE with the paths filled in.
define generate
	install -d $(dir $(DESTDIR)$(2))
	$(SUBST) $(1) > $(DESTDIR)$(2).tmp
	@! grep -n '@[A-Z_]*@' $(DESTDIR)$(2).tmp || \
		{ echo "install: $(1): placeholder left" >&2; rm -f $(DESTDIR)$(2).tmp; exit 1; }
	chmod $(3) $(DESTDIR)$(2).tmp
	mv -f $(DESTDIR)$(2).tmp $(DESTDIR)$(2)
endef

# $(call install_config,SOURCE,DEST): DEST unless it exists (an operator's).
define install_config
	@if [ -e $(DESTDIR)$(2) ]; then \
		echo "install: $(DESTDIR)$(2) exists: kept"; \
	else \
		echo "install -m 0644 $(1) $(DESTDIR)$(2)"; \
		install -m 0644 $(1) $(DESTDIR)$(2); \
	fi
endef

# $(call remove_config,SOURCE,DEST): DEST if it is still SOURCE as installed.
define remove_config
	@if [ ! -e $(DESTDIR)$(2) ]; then :; \
	elif [ ! -e $(1) ]; then \
		echo "uninstall: $(DESTDIR)$(2) kept ($(1), to compare it with, is not there)"; \
	elif cmp -s $(1) $(DESTDIR)$(2); then \
		echo "rm -f $(DESTDIR)$(2)"; rm -f $(DESTDIR)$(2); \
	else \
		echo "uninstall: $(DESTDIR)$(2) was changed: kept"; \
	fi
endef

# Installs what `make` built: $(BUILD)/userspace/{fnatadm,fnat-toa} and
# $(KMOD_DIR)/fnat.ko, which must be built for KVER. With DESTDIR empty, it
# runs depmod for KVER and has systemd reload its units; enabling the units
# is left to the operator (systemctl enable --now fnat.service).
install-files:
	@test -n "$(KVER)" || { echo "install: no KVER: run scripts/install-deps.sh or give KVER=" >&2; exit 1; }
	@for f in $(BUILD)/userspace/fnatadm $(BUILD)/userspace/fnat-toa $(KMOD_DIR)/fnat.ko; do \
		test -f $$f || { echo "install: $$f is not built (make)" >&2; exit 1; }; \
	done
	@built=$$(modinfo -F vermagic $(KMOD_DIR)/fnat.ko | cut -d' ' -f1); \
	test "$$built" = "$(KVER)" || \
		{ echo "install: $(KMOD_DIR)/fnat.ko is built for $$built, not KVER=$(KVER)" >&2; exit 1; }
	install -D -m 0755 $(BUILD)/userspace/fnatadm $(DESTDIR)$(SBINDIR)/fnatadm
	install -D -m 0755 $(BUILD)/userspace/fnat-toa $(DESTDIR)$(SBINDIR)/fnat-toa
	$(call generate,packaging/fnat-rules.in,$(SBINDIR)/fnat-rules,0755)
	$(call generate,packaging/fnat-sync.in,$(SBINDIR)/fnat-sync,0755)
	install -D -m 0644 docs/fnatadm.8 $(DESTDIR)$(MANDIR)/man8/fnatadm.8
	install -D -m 0644 packaging/fnatadm.bash-completion $(DESTDIR)$(BASHCOMPDIR)/fnatadm
	$(call generate,packaging/fnat.service.in,$(SYSTEMDUNITDIR)/fnat.service,0644)
	$(call generate,packaging/fnat-sync@.service.in,$(SYSTEMDUNITDIR)/fnat-sync@.service,0644)
	$(call generate,userspace/toa/fnat-toa.service.in,$(SYSTEMDUNITDIR)/fnat-toa.service,0644)
	$(call generate,packaging/fnat.default.in,$(DOCDIR)/examples/default,0644)
	install -D -m 0644 packaging/sync.conf $(DESTDIR)$(DOCDIR)/examples/sync.conf
	install -D -m 0755 packaging/keepalived/fnat-rs-notify $(DESTDIR)$(LIBEXECDIR)/fnat-rs-notify
	install -D -m 0755 packaging/keepalived/fnat-vrrp-notify $(DESTDIR)$(LIBEXECDIR)/fnat-vrrp-notify
	sed 's|^\$$SCRIPTS=/usr/local/libexec/fnat$$|$$SCRIPTS=$(LIBEXECDIR)|' packaging/keepalived/keepalived.conf \
		> $(DESTDIR)$(DOCDIR)/examples/keepalived.conf
	@grep -qx '$$SCRIPTS=$(LIBEXECDIR)' $(DESTDIR)$(DOCDIR)/examples/keepalived.conf || \
		{ echo "install: keepalived.conf: no \$$SCRIPTS line to set" >&2; exit 1; }
	install -d $(DESTDIR)$(SYSCONFDIR)/fnat $(DESTDIR)$(SYSCONFDIR)/default
	$(call install_config,$(DESTDIR)$(DOCDIR)/examples/sync.conf,$(SYSCONFDIR)/fnat/sync.conf)
	$(call install_config,$(DESTDIR)$(DOCDIR)/examples/default,$(SYSCONFDIR)/default/fnat)
	$(MAKE) -C $(KDIR) M=$(KMOD_DIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra $(MODSIGN_OFF) modules_install
	@if [ -z "$(DESTDIR)" ]; then \
		echo "depmod -a $(KVER)"; depmod -a $(KVER); \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	fi

# modules_install signs the module when the kernel's config says so, with the
# kernel's own key; distribution headers (Debian's) do not ship that key, and
# signing could only fail: it is then skipped (DKMS signs with its MOK key).
MODSIGKEY := $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"$$/\1/p' $(KDIR)/.config 2>/dev/null)
MODSIGN_OFF := $(if $(or $(findstring pkcs11:,$(MODSIGKEY)),$(wildcard $(KDIR)/$(MODSIGKEY))),,CONFIG_MODULE_SIG_ALL=)

# The module as modules_install put it (compressed when the headers' config
# says so). Disable the units first (systemctl disable --now fnat.service
# fnat-sync@master.service fnat-sync@backup.service fnat-toa.service).
uninstall:
	@test -n "$(KVER)" || { echo "uninstall: no KVER: give KVER=" >&2; exit 1; }
	rm -f $(DESTDIR)$(SBINDIR)/fnatadm $(DESTDIR)$(SBINDIR)/fnat-toa
	rm -f $(DESTDIR)$(SBINDIR)/fnat-rules $(DESTDIR)$(SBINDIR)/fnat-sync
	rm -f $(DESTDIR)$(MANDIR)/man8/fnatadm.8
	rm -f $(DESTDIR)$(BASHCOMPDIR)/fnatadm
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/fnat.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/fnat-sync@.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/fnat-toa.service
	$(call remove_config,$(DESTDIR)$(DOCDIR)/examples/sync.conf,$(SYSCONFDIR)/fnat/sync.conf)
	$(call remove_config,$(DESTDIR)$(DOCDIR)/examples/default,$(SYSCONFDIR)/default/fnat)
	rm -f $(DESTDIR)$(DOCDIR)/examples/sync.conf $(DESTDIR)$(DOCDIR)/examples/default \
		$(DESTDIR)$(DOCDIR)/examples/keepalived.conf
	rm -f $(DESTDIR)$(LIBEXECDIR)/fnat-rs-notify $(DESTDIR)$(LIBEXECDIR)/fnat-vrrp-notify
	@rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null || :
	@rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null || :
	@if [ -d $(DESTDIR)$(SYSCONFDIR)/fnat ]; then \
		rmdir $(DESTDIR)$(SYSCONFDIR)/fnat 2>/dev/null || \
		echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/fnat is not empty (rules, changed config): kept"; \
	fi
	rm -f $(DESTDIR)/lib/modules/$(KVER)/extra/fnat.ko $(DESTDIR)/lib/modules/$(KVER)/extra/fnat.ko.*
	@if [ -z "$(DESTDIR)" ]; then \
		echo "depmod -a $(KVER)"; depmod -a $(KVER); \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	fi

version:
	@sh packaging/version.sh

# DKMS: dkms.conf and the module's sources (kmod/ and include/uapi/, which
# kmod/Kbuild takes from ../include), as /usr/src/fnat-VERSION.
DKMS_SRC := $(DKMS_SOURCE_TREE)/fnat-$(VERSION)
DKMS_FILES := Kbuild $(notdir $(filter-out %.mod.c,$(wildcard kmod/*.c)) $(wildcard kmod/*.h))
DKMS_ARGS = --sourcetree $(DKMS_SOURCE_TREE) $(DKMS_FLAGS)

dkms-source:
	@sh packaging/version.sh >/dev/null
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kmod $(DKMS_SRC)/include/uapi
	install -m 0644 dkms.conf $(DKMS_SRC)/dkms.conf
	install -m 0644 $(addprefix kmod/,$(DKMS_FILES)) $(DKMS_SRC)/kmod/
	install -m 0644 include/uapi/fnat.h $(DKMS_SRC)/include/uapi/fnat.h

# An earlier registration of VERSION is removed first, so that a second
# dkms-install builds the current sources.
dkms-install:
	@test -n "$(DKMS_KVER)" || { echo "dkms-install: no KVER: give KVER= or DKMS_KVER=all" >&2; exit 1; }
	@if $(DKMS) status $(DKMS_ARGS) -m fnat -v $(VERSION) | grep -q .; then \
		echo "$(DKMS) remove $(DKMS_ARGS) fnat/$(VERSION) --all"; \
		$(DKMS) remove $(DKMS_ARGS) fnat/$(VERSION) --all || exit 1; \
	fi
	@$(MAKE) --no-print-directory dkms-source
	$(DKMS) add $(DKMS_ARGS) -m fnat -v $(VERSION)
	@kvers="$(DKMS_KVER)"; \
	if [ "$$kvers" = all ]; then \
		kvers=$$(for d in /lib/modules/*/build/include; do \
			[ -d "$$d" ] && basename "$${d%/build/include}"; done); \
	fi; \
	test -n "$$kvers" || { echo "dkms-install: no kernel headers in /lib/modules/*/build" >&2; exit 1; }; \
	for k in $$kvers; do \
		echo "$(DKMS) build $(DKMS_ARGS) -m fnat -v $(VERSION) -k $$k"; \
		$(DKMS) build $(DKMS_ARGS) -m fnat -v $(VERSION) -k $$k || exit 1; \
		echo "$(DKMS) install $(DKMS_ARGS) -m fnat -v $(VERSION) -k $$k"; \
		$(DKMS) install $(DKMS_ARGS) -m fnat -v $(VERSION) -k $$k || exit 1; \
	done

dkms-remove:
	@if $(DKMS) status $(DKMS_ARGS) -m fnat -v $(VERSION) | grep -q .; then \
		echo "$(DKMS) remove $(DKMS_ARGS) fnat/$(VERSION) --all"; \
		$(DKMS) remove $(DKMS_ARGS) fnat/$(VERSION) --all || exit 1; \
	fi
	rm -rf $(DKMS_SRC)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	rm -rf $(BUILD)

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile
