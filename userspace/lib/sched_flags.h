// Scheduler flags (FNAT_SVC_F_SCHED1..3 in FNAT_SVC_A_FLAGS, IPVS's
// IP_VS_SVC_F_SCHED1..3), spelled as ipvsadm 1.31 spells them.
//
// --sched-flags (-b on -A/-E) takes a comma-separated list of
//   sh-fallback, sh-port   (-s sh only: FNAT_SVC_F_SCHED_SH_FALLBACK, _SH_PORT)
//   mh-fallback, mh-port   (-s mh only: FNAT_SVC_F_SCHED_MH_FALLBACK, _MH_PORT)
//   flag-1, flag-2, flag-3 (any scheduler: the raw SCHED1, SCHED2, SCHED3)
// as ipvsadm's parse_sched_flags(): empty items are skipped (strtok), an
// unknown name is "invalid scheduler flag `NAME'", an sh-* name with another
// scheduler than sh (mh-* and mh) is "incompatible scheduler flag `NAME'".
// The scheduler is the one of -s, wlc without it (ipvsadm's default).
//
// Listings name the flags set the way ipvsadm's print_sched_flags() does:
// for sh, SCHED1 and SCHED2 are sh-fallback and sh-port; for mh, mh-fallback
// and mh-port; for any other scheduler flag-1, flag-2, flag-3. ipvsadm never
// names SCHED3 of an sh or mh service (its "TCP  VIP:80 sh ()" and
// "-b " with nothing after it); fnatadm's text listing copies that, -S and
// --json call it flag-3 so that the saved rules restore it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <uapi/fnat.h>

namespace fnat {

// The scheduler flag bits of FNAT_SVC_A_FLAGS.
constexpr std::uint32_t kSchedFlagsMask = FNAT_SVC_F_SCHED1 | FNAT_SVC_F_SCHED2 | FNAT_SVC_F_SCHED3;

// A --sched-flags list fnatadm refuses; what() is ipvsadm's message.
class SchedFlagsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The FNAT_SVC_F_SCHED* bits of a --sched-flags list for that scheduler.
// Throws SchedFlagsError.
std::uint32_t parse_sched_flags(const std::string& scheduler, const std::string& list);

// The names of the scheduler flags set in flags (other bits are ignored), in
// bit order. ipvsadm_listing leaves SCHED3 of an sh or mh service out, as
// ipvsadm's listing does; otherwise it is "flag-3".
std::vector<std::string> sched_flag_names(const std::string& scheduler, std::uint32_t flags,
                                          bool ipvsadm_listing = false);

// The names joined with ",": "sh-fallback,sh-port".
std::string join_sched_flag_names(const std::vector<std::string>& names);

} // namespace fnat
