#!/usr/bin/env bash
# The fnatadm binary's glue: what goes to stdout and stderr, and exit codes
# (0 ok, 1 kernel or output error, 2 usage). Only paths that do not need
# fnat.ko; -v works with or without the module. Then docs/fnatadm.8 against
# fnatadm -h.
# Usage: fnatadm_cli_test.sh PATH/TO/fnatadm VERSION
set -u
fnatadm=$1
version=$2
failures=0
errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT

# check NAME EXPECTED_RC EXPECTED_STDOUT_REGEX EXPECTED_STDERR -- ARGS...
check() {
    local name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 5
    local out err rc
    out=$("$fnatadm" "$@" 2>"$errfile")
    rc=$?
    err=$(cat "$errfile")
    if [[ $rc -ne $want_rc ]]; then
        echo "FAIL $name: exit $rc, want $want_rc (stderr: $err)"
        failures=$((failures + 1))
    elif ! [[ $out =~ $want_out ]]; then
        echo "FAIL $name: stdout '$out' does not match '$want_out'"
        failures=$((failures + 1))
    elif [[ $err != "$want_err" ]]; then
        echo "FAIL $name: stderr '$err', want '$want_err'"
        failures=$((failures + 1))
    else
        echo "ok   $name"
    fi
}

check help 0 '^fnatadm v'"$version"' - .*Usage:' '' -- -h
check help-long 0 'Commands:' '' -- --help
check version 0 '^fnatadm v'"$version"' \((FNAT version [0-9]+\.[0-9]+\.[0-9]+|FNAT module not loaded)\)$' '' -- -v
check show-tunables-alone 2 '^$' '--show-tunables takes no other option' -- --show-tunables -n
check unknown-option 2 '^$' "unknown option '--foo' (see fnatadm -h)" -- --foo
check illegal-option 2 '^$' "Illegal 'weight' option with the 'add-service' command" \
    -- -A -t 192.168.0.240:80 -w 2
check sched-flags 2 '^$' "incompatible scheduler flag \`sh-port'" \
    -- -A -t 192.168.0.240:80 -s rr -b sh-port
check zero-port 2 '^$' 'Zero port specified for non-persistent service' -- -A -t 192.168.0.240 -s rr
check bad-value 2 '^$' "illegal weight specified (-w '70000': must be an integer 0..65535)" \
    -- -a -t 192.168.0.240:80 -r 192.168.0.223 -w 70000
check not-supported 2 '^$' '-f (--fwmark-service): firewall-mark services are not supported yet' \
    -- -A -f 1
check restore-options 2 '^$' "Illegal 'numeric' option with the 'restore' command" -- -R -n
check set-two-values 2 '^$' '--set option requires 3 timeout values' -- --set 30 5
check set-four-values 2 '^$' "unexpected argument '90'" -- --set 30 5 60 90
check set-too-big 2 '^$' "illegal udp timeout specified (--set '2678401': must be an integer 0..2678400)" \
    -- --set 30 5 2678401
check timeout-without-list 2 '^$' "Illegal 'timeout' option with the 'add-service' command" \
    -- -A -t 192.168.0.240:80 --timeout
check save-with-service 2 '^$' "Illegal 'service-address' option with the 'save' command" \
    -- -S -t 192.168.0.240:80
check connections-without-list 2 '^$' 'no command specified (see fnatadm -h)' -- -c
check connections-on-add 2 '^$' "Illegal 'connection' option with the 'add-service' command" \
    -- -A -t 192.168.0.240:80 -c
check connections-and-timeout 2 '^$' \
    "The option 'timeout' conflicts with the 'connection' option in the 'list' command" -- -Lnc --timeout
check drops-with-service 2 '^$' \
    "The option 'drops' conflicts with the 'service-address' option in the 'list' command" \
    -- -L --drops -t 192.168.0.240:80
check laddr-without-laddr 2 '^$' \
    "You need to supply the 'local-address' option for the 'add-laddr' command" \
    -- -P -t 192.168.0.240:80
check laddr-on-add-service 2 '^$' "Illegal 'local-address' option with the 'add-service' command" \
    -- -A -t 192.168.0.240:80 -z 10.0.9.1
check laddr-with-port 2 '^$' \
    "illegal local address specified (-z '10.0.9.1:80': a local address has no port)" \
    -- --del-laddr -t 192.168.0.240:80 --laddr 10.0.9.1:80
check get-laddr-stats 2 '^$' "Illegal 'stats' option with the 'get-laddr' command" -- -G --stats

# The SYN proxy: -A and -E only; a bare -j, enable or disable.
check help-synproxy 0 '--synproxy +-j \[enable\|disable\]' '' -- -h
check synproxy-bad-value 2 '^$' \
    "illegal synproxy parameter specified (-j 'on': must be enable or disable)" \
    -- -A -t 192.168.0.240:80 -j on
check synproxy-on-add-server 2 '^$' "Illegal 'synproxy' option with the 'add-server' command" \
    -- -a -t 192.168.0.240:80 -r 192.168.0.223 -m --synproxy
check synproxy-on-list 2 '^$' "Illegal 'synproxy' option with the 'list' command" -- -L -j
check synproxy-twice 2 '^$' "multiple 'synproxy' options specified" \
    -- -E -t 192.168.0.240:80 -j enable --synproxy

# Connection sync: every check below fails before the kernel is contacted.
check start-daemon-without-interface 2 '^$' \
    "You need to supply the 'mcast-interface' option for the 'start-daemon' command" \
    -- --start-daemon master
check start-daemon-bad-role 2 '^$' \
    "illegal start-daemon parameter specified (--start-daemon 'primary': must be master or backup)" \
    -- --start-daemon primary --mcast-interface eth0
check start-daemon-bad-syncid 2 '^$' \
    "illegal syncid specified (--syncid '256': must be an integer 0..255)" \
    -- --start-daemon backup --mcast-interface eth0 --syncid 256
check start-daemon-bad-maxlen 2 '^$' \
    "illegal sync-maxlen specified (--sync-maxlen '100': must be an integer 256..65507)" \
    -- --start-daemon master --mcast-interface eth0 --sync-maxlen 100
check start-daemon-unicast-group 2 '^$' \
    "invalid IPv4 mcast-group \`10.0.0.1' (not a multicast address: must be in 224.0.0.0/4)" \
    -- --start-daemon master --mcast-interface eth0 --mcast-group 10.0.0.1
check start-daemon-ipv6-group 2 '^$' '--mcast-group ff02::12: IPv6 groups are not supported yet' \
    -- --start-daemon master --mcast-interface eth0 --mcast-group ff02::12
check stop-daemon-with-key 2 '^$' "Illegal 'sync-key' option with the 'stop-daemon' command" \
    -- --stop-daemon master --sync-key /etc/fnat/sync.key
check daemon-with-stats 2 '^$' 'options conflicts in the list command' -- -L --daemon --stats
check daemon-with-service 2 '^$' \
    "The option 'daemon' conflicts with the 'service-address' option in the 'list' command" \
    -- -Ln --daemon -t 192.168.0.240:80
check sync-key-unreadable 2 '^$' \
    "--sync-key: cannot read '/nonexistent/fnat.key': No such file or directory" \
    -- --start-daemon master --mcast-interface eth0 --sync-key /nonexistent/fnat.key
check sync-key-short-stdin 2 '^$' \
    "illegal sync-key specified (--sync-key '-': the key is 5 bytes long, it must be 16..64 bytes without the final newline)" \
    -- --start-daemon master --mcast-interface eth0 --sync-key - < <(printf 'short\n')

# -R parses all its input before it contacts the kernel: a bad line is a usage
# error (2) that names it, whether or not the module is loaded.
check restore-bad-line 2 '^$' \
    "fnatadm: line 4: illegal weight specified (-w '70000': must be an integer 0..65535)" \
    -- -R < <(printf '%s\n' '# saved' '-A -t 192.168.0.240:80 -s rr' '' \
        '-a -t 192.168.0.240:80 -r 192.168.0.223 -w 70000')
check restore-bad-synproxy 2 '^$' \
    "fnatadm: line 2: illegal synproxy parameter specified (-j 'yes': must be enable or disable)" \
    -- -R < <(printf '%s\n' '-A -t 192.168.0.240:80 -s rr -j' '-A -t 192.168.0.241:80 -s rr -j yes')
check restore-nested 2 '^$' 'fnatadm: line 2: -R (--restore) is not allowed in restore input' \
    -- -R < <(printf '%s\n' '-C' '-R')
check restore-list 2 '^$' 'fnatadm: line 1: -L (--list) is not allowed in restore input' \
    -- -R < <(printf '%s\n' '-L -n')
check restore-get-laddr 2 '^$' 'fnatadm: line 2: -G (--get-laddr) is not allowed in restore input' \
    -- -R < <(printf '%s\n' '-P -t 192.168.0.240:80 -z 10.0.9.1' '-G')
check restore-start-daemon 2 '^$' 'fnatadm: line 1: --start-daemon is not allowed in restore input' \
    -- -R < <(printf '%s\n' '--start-daemon master --mcast-interface eth0 --sync-key -' \
        '0123456789abcdef')

# A failed write to stdout is an error, not a silent success.
if [[ -w /dev/full ]]; then
    "$fnatadm" -h >/dev/full 2>"$errfile"
    rc=$?
    err=$(cat "$errfile")
    if [[ $rc -eq 1 && $err == "Write error on standard output" ]]; then
        echo "ok   write-error"
    else
        echo "FAIL write-error: exit $rc, stderr '$err'"
        failures=$((failures + 1))
    fi
fi

# The man page, docs/fnatadm.8, must keep up with the tool: every long option
# `fnatadm -h` prints appears in it (as \-\-name or --name, in any font), its
# .TH names this version, and groff (mandoc too, when installed) formats it
# without a warning.
manpage="$(dirname "$0")/../../docs/fnatadm.8"
if [[ ! -r $manpage ]]; then
    echo "FAIL manpage: $manpage not found"
    failures=$((failures + 1))
else
    # The page's text with \- as - and font escapes (\fB, \fR, \f(CW) gone.
    mantext=$(sed -e 's/\\-/-/g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\f[A-Z1-4]//g' "$manpage")
    helptext=$("$fnatadm" -h)
    options=$(grep -oE -- '--[a-z][a-z0-9-]*[a-z0-9]' <<<"$helptext" | sort -u)
    missing=()
    for option in $options; do
        grep -qE -- "(^|[^a-z0-9-])${option}([^a-z0-9-]|\$)" <<<"$mantext" || missing+=("$option")
    done
    if [[ -z $options ]]; then
        echo "FAIL manpage-options: no long option found in fnatadm -h"
        failures=$((failures + 1))
    elif [[ ${#missing[@]} -gt 0 ]]; then
        echo "FAIL manpage-options: docs/fnatadm.8 does not mention ${missing[*]}"
        failures=$((failures + 1))
    else
        echo "ok   manpage-options ($(wc -w <<<"$options") long options)"
    fi
    if grep -qE "^\.TH FNATADM 8 \"[^\"]*\" \"fnat $version\"" "$manpage"; then
        echo "ok   manpage-version"
    else
        echo "FAIL manpage-version: .TH of docs/fnatadm.8 does not say \"fnat $version\""
        failures=$((failures + 1))
    fi
    if command -v groff >/dev/null; then
        warnings=$(groff -man -Tutf8 -ww -z "$manpage" 2>&1)
        if [[ -z $warnings ]]; then
            echo "ok   manpage-groff"
        else
            echo "FAIL manpage-groff: groff -man -ww warns:"
            echo "$warnings"
            failures=$((failures + 1))
        fi
    else
        echo "skip manpage-groff: groff is not installed (apt-get install groff-base)"
    fi
    if command -v mandoc >/dev/null; then
        warnings=$(mandoc -Tlint -Wwarning "$manpage" 2>&1)
        if [[ -z $warnings ]]; then
            echo "ok   manpage-mandoc"
        else
            echo "FAIL manpage-mandoc: mandoc -Tlint warns:"
            echo "$warnings"
            failures=$((failures + 1))
        fi
    fi
fi

[[ $failures -eq 0 ]]
