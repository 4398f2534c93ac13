// What the kernel's generic-netlink core does with an FNAT request before
// fnat.ko sees it, emulated byte for byte: the genl header checks, the
// command lookup, CAP_NET_ADMIN for writes, and strict attribute validation
// (lib/nlattr.c, NL_VALIDATE_STRICT) against copies of the policies in
// kmod/fnat_genl.c and kmod/fnat_genl_sync.c. Keep the tables here in step
// with those; the fuzzer reports any difference as a mismatch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/netlink_wire.h"

namespace fnat::fuzz {

enum class PType : std::uint8_t { Unspec, U8, U16, U32, Be16, NulString, Binary, Nested, Reject };
enum class Check : std::uint8_t { None, Range, Min, Max, Mask };

struct Policy;

struct PolicyEntry {
    PType type = PType::Unspec;
    Check check = Check::None;
    std::uint64_t min = 0;
    std::uint64_t max = 0; // Range, Max; the mask for Mask
    std::uint16_t len = 0; // strings: longest without the NUL; nests: maxtype
    const Policy* nested = nullptr;
};

struct Policy {
    std::uint16_t maxtype = 0;
    std::vector<PolicyEntry> entries; // maxtype + 1 of them
};

// A refusal: positive errno and the extended-ACK message the kernel sets
// ("" when it sets none).
struct Verdict {
    int error = 0;
    std::string extack;

    bool ok() const { return error == 0; }
};

// The attributes of a validated stream by type: the last of each type, as
// the kernel's tb[] keeps them.
using Table = std::vector<std::optional<AttrView>>;

// __nla_validate_parse() with NL_VALIDATE_STRICT: fills *table (maxtype + 1
// entries) when given.
Verdict validate_attrs(const std::uint8_t* data, std::size_t length, const Policy& policy,
                       Table* table);
// The attributes of a nest that validation already passed.
Table parse_nested(const AttrView& nest, const Policy& policy);

// fnat's policies.
const Policy& svc_policy();
const Policy& dest_policy();
const Policy& laddr_policy();
const Policy& timeout_policy();
const Policy& daemon_policy();

// One command of the FNAT family (fnat_genl_ops[]).
struct Op {
    std::uint8_t command = 0;
    bool write = false; // GENL_UNS_ADMIN_PERM
    bool doit = false;
    bool dumpit = false;
    const Policy* policy = nullptr; // the top level; reject-all without one
};

// nullptr for a command the family does not have.
const Op* find_op(std::uint8_t command);

// A request after the core: refused (verdict), or handed to fnat's doit or
// dumpit with its top-level attributes (views into the request's bytes).
struct CoreResult {
    Verdict verdict;
    const Op* op = nullptr;
    bool dump = false; // NLM_F_DUMP: answered by the dumpit
    Table top;
};

// The core's handling of one request (nlmsghdr first; nlmsg_len is the
// length of the bytes). privileged: the sender has CAP_NET_ADMIN over the
// netns. split_ops: the core looks a command's doit and dumpit up apart
// (Linux 6.2 and later), so a missing one is EOPNOTSUPP before the
// permission check, not after it.
CoreResult run_core(const Bytes& message, bool privileged, bool split_ops = false);

// Whether a request's flags make it a dump (both NLM_F_DUMP bits).
bool is_dump_request(const Bytes& message);

} // namespace fnat::fuzz
