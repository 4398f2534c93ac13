#!/bin/bash
# The forwarding scenarios with the kernel's own IPVS as the balancer: NAT, DR
# and TUN, each in its topology from _topo.sh, configured as the seeds do
# (-A -t VIP:PORT -s rr; -a -r RIP:PORT -m|-g|-i), then from the client:
# round robin over TCP and UDP (every byte echoed and checked), the client's
# own address seen by the real servers, wrr 3:1, and weight 0 draining a
# server while its open connection finishes. This proves the topologies and
# the checks (_forwarding.sh) that fnat_forwarding.sh runs against fnat.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"
# shellcheck source=_forwarding.sh
. "$(dirname "$0")/_forwarding.sh"

run_all_modes
