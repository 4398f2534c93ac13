#!/bin/bash
# The FNAT family validates strictly: malformed requests of every kind are
# refused with the right errno and an extack message, and none changes the
# configuration.
. "$(dirname "$0")/lib.sh"

must modprobe fnat
on_exit "rmmod fnat 2>/dev/null || true"
must fnatadm -A -t 10.0.0.1:80 -s rr
must fnatadm -a -t 10.0.0.1:80 -r 10.0.1.1:80 -m
before=$(must fnatadm -Ln)

step "malformed requests are refused"
out=$(fnat-nlprobe) || { echo "$out"; fail "fnat-nlprobe found a request that was not refused properly"; }
echo "$out"
[[ "$out" == *"nlprobe: "*" passed, 0 failed"* ]] || fail "no probe summary"

step "and none of them changed anything"
expect_output "$before" fnatadm -Ln
must rmmod fnat
