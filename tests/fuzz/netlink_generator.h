// The netlink fuzzer's requests: every FNAT command, built over a small key
// space (two IPv4 and two IPv6 VIPs, TCP and UDP, ports 80, 443 and 0, a few
// dests and local addresses per family) so that what is accepted interacts,
// with values valid and invalid (schedulers, flags, weights, thresholds,
// methods, netmasks, timeouts at and past their limits). Some requests get
// structural faults (attributes missing, unknown, duplicated, moved, of the
// wrong size or type, nests of garbage, lying lengths, truncation, trailing
// bytes, bad genl headers and flags); some are then mutated byte by byte
// (netlink_mutator.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/netlink_model.h"
#include "fuzz/netlink_wire.h"
#include "fuzz/rng.h"

namespace fnat::fuzz {

struct GeneratorOptions {
    bool daemons = true;                          // NEW_DAEMON and DEL_DAEMON requests
    std::vector<std::string> interfaces = {"lo"}; // interfaces sync daemons may use
    unsigned fault_per_mille = 200;               // requests with structural faults
    unsigned header_per_mille = 30;               // requests with a bad genl header or flags
    unsigned mutant_per_mille = 80;               // requests mutated byte by byte
};

struct Generated {
    Bytes bytes;         // the request (sequence number 0)
    std::string recipe;  // what was built, for failure reports
    bool faulty = false; // structural or header faults were applied
    bool mutant = false; // bytes were mutated after encoding
};

class Generator {
public:
    Generator(std::uint64_t seed, GeneratorOptions options);

    // The next request; config (the model) steers keys towards what exists.
    Generated next(const Config& config, std::uint16_t family);
    // A well-formed GET request or dump (for the readers).
    Generated next_read(const Config& config, std::uint16_t family);

private:
    struct Built {
        Message message;
        std::string recipe;
    };

    Built build(const Config& config);
    Built build_read(const Config& config);
    Built build_write(const Config& config);

    SvcKey pick_svc_key(const Config& config, const ServiceRec** existing,
                        unsigned existing_per_mille = 850);
    std::vector<Attr> svc_key_attrs(const SvcKey& key);
    void add_svc_settings(std::vector<Attr>& attrs, const ServiceRec* svc, bool port_zero,
                          std::string& recipe);
    Attr dest_attr(const ServiceRec* svc, const SvcKey& key, bool settings, std::string& recipe);
    Attr laddr_attr(const ServiceRec* svc, const SvcKey& key, bool existing, std::string& recipe);
    Attr timeout_attr(std::string& recipe);
    Attr daemon_attr(bool start, std::string& recipe);

    Addr16 pick_addr(std::uint16_t af, const std::vector<Addr16>& v4, const std::vector<Addr16>& v6,
                     const std::vector<std::pair<std::uint16_t, Addr16>>& odd);
    std::uint16_t pick_family(std::uint16_t usual);

    void apply_faults(Message& message, std::string& recipe);
    void apply_header_fault(Message& message, std::string& recipe);

    Rng rng_;
    GeneratorOptions options_;
};

// "NEW_SERVICE", ... ("cmd N" for others).
std::string command_name(std::uint8_t command);

} // namespace fnat::fuzz
