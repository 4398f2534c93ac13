#include "tools/traffic/icmp_error.h"

#include <cerrno>
#include <cstdio>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>

#include "tools/traffic/garbage.h"
#include "tools/traffic/socket.h"

namespace fnat::traffic {
namespace {

// ICMP "destination unreachable: fragmentation needed", ICMPv6 "packet too big".
constexpr std::uint8_t kIcmpDestUnreach = 3;
constexpr std::uint8_t kIcmpFragNeeded = 4;
constexpr std::uint8_t kIcmp6PacketTooBig = 2;
constexpr std::size_t kIpv6HeaderSize = 40;
constexpr std::size_t kIcmpHeaderSize = 8;
constexpr std::uint8_t kTcpAckPsh = 0x18;
constexpr std::uint16_t kQuotedWindow = 512;

// The quoted TCP header at `at`: the ports, --seq, ACK|PSH. Its checksum
// stays 0: the quote is a fragment of the segment, nobody can verify it.
void put_tcp(std::vector<std::uint8_t>& out, std::size_t at, const IcmpErrorOptions& options) {
    put16(out, at, options.quoted_from.port);
    put16(out, at + 2, options.quoted_to.port);
    put32(out, at + 4, options.seq);
    out[at + 12] = 5 << 4; // data offset: 20 bytes
    out[at + 13] = kTcpAckPsh;
    put16(out, at + 14, kQuotedWindow);
}

} // namespace

std::vector<std::uint8_t> icmp_error_message(const IcmpErrorOptions& options) {
    const bool v6 = options.quoted_from.address.is_ipv6();
    const std::size_t ip_size = v6 ? kIpv6HeaderSize : kIpv4HeaderSize;
    std::vector<std::uint8_t> out(kIcmpHeaderSize + ip_size + kTcpHeaderSize, 0);
    const std::size_t ip = kIcmpHeaderSize, tcp = ip + ip_size;
    if (v6) {
        out[0] = kIcmp6PacketTooBig;
        put32(out, 4, options.mtu);
        out[ip] = 6 << 4;
        put16(out, ip + 4, static_cast<std::uint16_t>(kIcmpQuotedLength - kIpv6HeaderSize));
        out[ip + 6] = kIpProtocolTcp;
        out[ip + 7] = kGarbageTtl;
        for (std::size_t i = 0; i < 16; ++i) {
            out[ip + 8 + i] = options.quoted_from.address.bytes[i];
            out[ip + 24 + i] = options.quoted_to.address.bytes[i];
        }
        put_tcp(out, tcp, options);
        return out;
    }
    out[0] = kIcmpDestUnreach;
    out[1] = kIcmpFragNeeded;
    put16(out, 6, static_cast<std::uint16_t>(options.mtu));
    out[ip] = 0x45;
    put16(out, ip + 2, kIcmpQuotedLength);
    put16(out, ip + 6, kIpDontFragment);
    out[ip + 8] = kGarbageTtl;
    out[ip + 9] = kIpProtocolTcp;
    for (std::size_t i = 0; i < 4; ++i) {
        out[ip + 12 + i] = options.quoted_from.address.bytes[i];
        out[ip + 16 + i] = options.quoted_to.address.bytes[i];
    }
    put16(out, ip + 10,
          internet_checksum(std::span<const std::uint8_t>(out).subspan(ip, kIpv4HeaderSize)));
    put_tcp(out, tcp, options);
    put16(out, 2, internet_checksum(out));
    return out;
}

int run_icmp_error(const IcmpErrorOptions& options) {
    const bool v6 = options.quoted_from.address.is_ipv6();
    const int protocol = v6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP};
    Fd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, protocol));
    if (!fd)
        throw SystemError("raw ICMP socket (needs CAP_NET_RAW)", errno);
    std::vector<std::uint8_t> message = icmp_error_message(options);
    SocketAddress to = socket_address(Target{options.quoted_from.address, 0});
    std::string destination = to_string(options.quoted_from.address);
    if (::sendto(fd.get(), message.data(), message.size(), 0, to.get(), to.length) !=
        static_cast<ssize_t>(message.size()))
        throw SystemError("sending to " + destination, errno);
    std::printf("icmp-error: sent packet-too-big (mtu %u) to %s about %s > %s seq %u\n",
                options.mtu, destination.c_str(),
                format_endpoint(options.quoted_from.address, options.quoted_from.port).c_str(),
                format_endpoint(options.quoted_to.address, options.quoted_to.port).c_str(),
                options.seq);
    return 0;
}

} // namespace fnat::traffic
