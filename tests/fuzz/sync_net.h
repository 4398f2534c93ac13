// The sync fuzzer's sockets: one that hears the group (for --capture), and
// the ones it sends from (its own address, or a spoofed one).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/address.h"
#include "tools/traffic/socket.h"

namespace fnat::fuzz::sync {

// A UDP socket joined to group on iface, bound to group:port.
class GroupListener {
public:
    GroupListener(const Address& group, std::uint16_t port, const std::string& iface);
    // The datagrams waiting, each with its source address; never waits.
    std::vector<std::pair<std::vector<std::uint8_t>, Address>> drain();
    int fd() const { return fd_.get(); }

private:
    traffic::Fd fd_;
};

// A UDP socket sending to group:port out of iface with TTL 1, from source
// when given (IP_TRANSPARENT: any address), else from iface's.
class GroupSender {
public:
    GroupSender(const Address& group, std::uint16_t port, const std::string& iface,
                const std::optional<Address>& source);
    // Sends one datagram, waiting out a full buffer; throws on errors.
    void send(std::span<const std::uint8_t> datagram);

private:
    traffic::Fd fd_;
    traffic::SocketAddress to_;
};

} // namespace fnat::fuzz::sync
