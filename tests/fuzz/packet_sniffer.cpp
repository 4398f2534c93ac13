#include "fuzz/packet_sniffer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/if_packet.h>

#include "fuzz/packet_build.h"
#include "fuzz/packet_sender.h"

namespace fnat::fuzz::packet {
namespace {

bool is_dst(const Targets& targets, const Address& address) {
    return std::find(targets.dsts.begin(), targets.dsts.end(), address) != targets.dsts.end();
}

struct Toa {
    std::uint16_t port = 0;
    Address address;
};

// The client in a TOA option among the TCP options, if any.
std::optional<Toa> toa_of(std::span<const std::uint8_t> options) {
    std::size_t at = 0;
    while (at < options.size()) {
        std::uint8_t kind = options[at];
        if (kind == 0)
            break;
        if (kind == 1) {
            ++at;
            continue;
        }
        if (at + 1 >= options.size() || options[at + 1] < 2)
            break;
        std::size_t length = options[at + 1];
        if (at + length > options.size())
            break;
        if ((kind == 254 && length == 8) || (kind == 253 && length == 20)) {
            Toa toa;
            toa.port = get16(options, at + 2);
            toa.address.family = kind == 254 ? AF_INET : AF_INET6;
            std::copy_n(options.begin() + static_cast<std::ptrdiff_t>(at + 4), length - 4,
                        toa.address.bytes.begin());
            return toa;
        }
        at += length;
    }
    return std::nullopt;
}

} // namespace

std::optional<Sniffed> sniff_packet(std::span<const std::uint8_t> packet, const Targets& targets) {
    Sniffed s;
    std::size_t l4 = 0;
    std::size_t end = packet.size();
    if (packet.size() >= kIpv4Header && packet[0] >> 4 == 4) {
        l4 = std::size_t{packet[0] & 0x0fU} * 4;
        end = std::min<std::size_t>(end, get16(packet, 2));
        s.proto = packet[9];
        s.laddr.family = AF_INET;
        s.server.family = AF_INET;
        std::copy_n(packet.begin() + 12, 4, s.laddr.bytes.begin());
        std::copy_n(packet.begin() + 16, 4, s.server.bytes.begin());
        if (get16(packet, 6) & 0x3fff)
            return std::nullopt; // a fragment
    } else if (packet.size() >= kIpv6Header && packet[0] >> 4 == 6) {
        l4 = kIpv6Header;
        end = std::min<std::size_t>(end, kIpv6Header + get16(packet, 4));
        s.proto = packet[6];
        s.laddr.family = AF_INET6;
        s.server.family = AF_INET6;
        std::copy_n(packet.begin() + 8, 16, s.laddr.bytes.begin());
        std::copy_n(packet.begin() + 24, 16, s.server.bytes.begin());
    } else {
        return std::nullopt;
    }
    const Address* own = targets.src_for(s.server.family);
    if (!own || *own != s.server || !is_dst(targets, s.laddr) || l4 + 8 > end)
        return std::nullopt;
    s.lport = get16(packet, l4);
    s.server_port = get16(packet, l4 + 2);
    if (s.proto == kProtoUdp) {
        s.own = std::find(targets.own_udp_ports.begin(), targets.own_udp_ports.end(),
                          s.server_port) != targets.own_udp_ports.end();
        return s;
    }
    if (s.proto != kProtoTcp || l4 + kTcpHeader > end)
        return std::nullopt;
    std::uint8_t flags = packet[l4 + 13];
    if ((flags & (kTcpSyn | kTcpAck)) != kTcpSyn)
        return std::nullopt;
    std::size_t doff = std::size_t{packet[l4 + 12]} / 16 * 4;
    if (doff < kTcpHeader || l4 + doff > end)
        return std::nullopt;
    // FULLNAT: the client is in the TOA option; NAT and the rest keep the
    // client's address and port, so the local ones are its.
    auto toa = toa_of(packet.subspan(l4 + kTcpHeader, doff - kTcpHeader));
    Toa client = toa.value_or(Toa{s.lport, s.laddr});
    const auto& mine = targets.own_clients;
    s.own = (targets.sessions.contains(client.port) || targets.no_conn.contains(client.port)) &&
            (mine.empty() || std::find(mine.begin(), mine.end(), client.address) != mine.end());
    return s;
}

Sniffer::Sniffer(const std::string& iface) {
    Interface i = interface_of(iface);
    fd_ =
        traffic::Fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL)));
    if (!fd_)
        throw traffic::SystemError("AF_PACKET socket (needs CAP_NET_RAW)", errno);
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = i.index;
    if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0)
        throw traffic::SystemError("bind to " + iface, errno);
}

void Sniffer::poll(const Targets& targets, SniffedTuples& tuples, int max) {
    std::array<std::uint8_t, 2048> frame{};
    for (int i = 0; i < max; ++i) {
        sockaddr_ll from{};
        socklen_t from_length = sizeof(from);
        ssize_t n = ::recvfrom(fd_.get(), frame.data(), frame.size(), MSG_TRUNC,
                               reinterpret_cast<sockaddr*>(&from), &from_length);
        if (n < 0)
            return; // EAGAIN: nothing more now (other errors: next time)
        if (from.sll_pkttype == PACKET_OUTGOING || n < 14)
            continue;
        std::uint16_t type = get16(frame, 12);
        if (type != ETHERTYPE_IP && type != ETHERTYPE_IPV6)
            continue;
        std::size_t length = std::min(static_cast<std::size_t>(n), frame.size());
        auto sniffed = sniff_packet(std::span(frame.data() + 14, length - 14), targets);
        if (sniffed)
            tuples.add(*sniffed);
    }
}

} // namespace fnat::fuzz::packet
