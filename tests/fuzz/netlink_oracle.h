// The netlink fuzzer's oracle: what fnat.ko must answer to a request, given
// the configuration before it. It runs the request through the emulated
// genetlink core (netlink_policy.h) and then through a copy of fnat's
// command handlers (kmod/fnat_genl*.c, fnat_service.c, fnat_dest.c,
// fnat_laddr.c, fnat_netns.c, fnat_sync.c), check by check in their order,
// so it predicts the errno, the extended-ACK message, the configuration
// afterwards and the content of the reply. Where the answer depends on
// more than fnat's tables (whether an IPv4 address is the netns' broadcast
// address, whether a sync socket opens) it lists each possible outcome.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/netlink_model.h"
#include "fuzz/netlink_wire.h"

namespace fnat::fuzz {

// What the kernel's answers depend on besides fnat's tables.
class Environment {
public:
    virtual ~Environment() = default;
    // The MTU of the netns' interface of that name; nullopt when it has none.
    virtual std::optional<unsigned> interface_mtu(const std::string& name) const = 0;
    // Whether inet_addr_type() calls the IPv4 address (network order, not
    // 0.0.0.0, multicast or 255.255.255.255) unicast or local; nullopt when
    // it depends on the routes (a subnet's broadcast address,
    // 127.255.255.255).
    virtual std::optional<bool> ipv4_unicast(const std::uint8_t* addr) const = 0;
    // Whether the genetlink core has split ops (Linux 6.2 and later; see
    // run_core()).
    virtual bool split_ops() const { return false; }
};

// The data messages a successful request is answered with.
enum class ReplyKind {
    None,     // writes: the ACK only
    Service,  // GET_SERVICE doit: the service named by filter
    Services, // GET_SERVICE dump: every service
    Dests,    // GET_DEST: the dests of filter's service
    Laddrs,   // GET_LADDR: every local address, or filter's service's
    Conns,    // GET_CONN: none, without traffic
    Info,     // GET_INFO
    Timeouts, // GET_TIMEOUT
    Daemons,  // GET_DAEMON
};

struct Outcome {
    int error = 0;      // positive errno; 0: accepted
    std::string extack; // the message the kernel must set ("" for none)
    // The configuration afterwards when the request changed it; null when
    // it is the one before (always for a refusal).
    std::shared_ptr<const Config> after;
    ReplyKind reply = ReplyKind::None;
    std::optional<SvcKey> filter;

    const Config& after_or(const Config& before) const { return after ? *after : before; }
};

struct Prediction {
    std::uint8_t command = 0;
    bool dump = false;
    bool write = false;            // a command that needs CAP_NET_ADMIN
    std::vector<Outcome> outcomes; // one, or each the kernel may choose
};

Prediction predict(const Bytes& message, const Config& before, bool privileged,
                   const Environment& env);

// "EINVAL", "ESRCH", ... ("errno N" for others).
std::string errno_name(int error);

} // namespace fnat::fuzz
