#include "lib/sched_flags.h"

#include <array>

namespace fnat {
namespace {

struct SchedFlag {
    const char* name;
    std::uint32_t bit;
    const char* scheduler; // the only scheduler it belongs to; nullptr: any
};

// In ipvsadm's parse_sched_flags() order.
constexpr std::array<SchedFlag, 7> kSchedFlags = {{
    {"flag-1", FNAT_SVC_F_SCHED1, nullptr},
    {"flag-2", FNAT_SVC_F_SCHED2, nullptr},
    {"flag-3", FNAT_SVC_F_SCHED3, nullptr},
    {"sh-fallback", FNAT_SVC_F_SCHED_SH_FALLBACK, "sh"},
    {"sh-port", FNAT_SVC_F_SCHED_SH_PORT, "sh"},
    {"mh-fallback", FNAT_SVC_F_SCHED_MH_FALLBACK, "mh"},
    {"mh-port", FNAT_SVC_F_SCHED_MH_PORT, "mh"},
}};

std::uint32_t parse_one(const std::string& scheduler, const std::string& name) {
    for (const SchedFlag& flag : kSchedFlags) {
        if (name != flag.name)
            continue;
        if (flag.scheduler != nullptr && scheduler != flag.scheduler)
            throw SchedFlagsError("incompatible scheduler flag `" + name + "'");
        return flag.bit;
    }
    throw SchedFlagsError("invalid scheduler flag `" + name + "'");
}

} // namespace

std::uint32_t parse_sched_flags(const std::string& scheduler, const std::string& list) {
    std::uint32_t flags = 0;
    bool any = false;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find(',', start);
        if (end == std::string::npos)
            end = list.size();
        if (end > start) {
            flags |= parse_one(scheduler, list.substr(start, end - start));
            any = true;
        }
        start = end + 1;
    }
    if (!any) // ipvsadm crashes on a list of commas only
        throw SchedFlagsError("invalid scheduler flag `" + list + "'");
    return flags;
}

std::vector<std::string> sched_flag_names(const std::string& scheduler, std::uint32_t flags,
                                          bool ipvsadm_listing) {
    std::array<const char*, 3> names = {"flag-1", "flag-2", "flag-3"};
    if (scheduler == "sh")
        names = {"sh-fallback", "sh-port", ipvsadm_listing ? nullptr : "flag-3"};
    else if (scheduler == "mh")
        names = {"mh-fallback", "mh-port", ipvsadm_listing ? nullptr : "flag-3"};
    constexpr std::array<std::uint32_t, 3> kBits = {FNAT_SVC_F_SCHED1, FNAT_SVC_F_SCHED2,
                                                    FNAT_SVC_F_SCHED3};
    std::vector<std::string> set;
    for (std::size_t i = 0; i < kBits.size(); ++i)
        if ((flags & kBits[i]) != 0 && names[i] != nullptr)
            set.emplace_back(names[i]);
    return set;
}

std::string join_sched_flag_names(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) {
        if (!text.empty())
            text += ",";
        text += name;
    }
    return text;
}

} // namespace fnat
