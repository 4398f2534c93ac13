#include "tools/traffic/udp_garbage.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>

#include "tools/traffic/garbage.h"
#include "tools/traffic/socket.h"

namespace fnat::traffic {
namespace {

constexpr int kMaxSendAttempts = 1000;

void put_be(std::vector<std::uint8_t>& out, std::size_t at, std::uint64_t value,
            std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i)
        out[at + i] = static_cast<std::uint8_t>(value >> (8 * (bytes - 1 - i)));
}

std::size_t draw_size(std::mt19937& random, std::size_t low, std::size_t high) {
    return std::uniform_int_distribution<std::size_t>(low, high)(random);
}

// A header of `version` whose length field says `length` and whose record
// count is `count`, at the start of a datagram of `size` zero bytes.
std::vector<std::uint8_t> sync_message(std::size_t size, std::uint8_t version, std::uint16_t length,
                                       std::uint16_t count, const SyncHeaderFields& header) {
    std::vector<std::uint8_t> out(size);
    out[0] = version;
    out[1] = 0; // flags
    put_be(out, 2, length, 2);
    out[4] = header.syncid;
    out[5] = 0; // mac_len: no MAC
    put_be(out, 6, count, 2);
    put_be(out, 8, header.sender, 4);
    put_be(out, 12, 0, 4); // reserved
    put_be(out, 16, header.seq, 8);
    put_be(out, 24, header.time_ms, 8);
    return out;
}

} // namespace

std::vector<std::uint8_t> udp_garbage_datagram(UdpGarbageKind kind, const SyncHeaderFields& header,
                                               std::mt19937& random) {
    switch (kind) {
    case UdpGarbageKind::Random: {
        std::vector<std::uint8_t> out(draw_size(random, 1, kUdpGarbageMaxRandom));
        for (std::uint8_t& byte : out)
            byte = static_cast<std::uint8_t>(random());
        return out;
    }
    case UdpGarbageKind::SyncShort: {
        // Starts like a version 1 header, ends before the header does.
        std::vector<std::uint8_t> out(draw_size(random, 1, kSyncHeaderSize - 1));
        for (std::uint8_t& byte : out)
            byte = static_cast<std::uint8_t>(random());
        out[0] = kSyncVersion;
        return out;
    }
    case UdpGarbageKind::SyncVersion: {
        // 0 or 2..255: any version but 1.
        auto version = static_cast<std::uint8_t>(draw_size(random, 1, 255));
        if (version == kSyncVersion)
            version = 0;
        return sync_message(kSyncHeaderSize, version, kSyncHeaderSize, 0, header);
    }
    case UdpGarbageKind::SyncLength:
        // 8 bytes after the header, the length field counting only 4 of them.
        return sync_message(kSyncHeaderSize + 8, kSyncVersion, kSyncHeaderSize + 4, 0, header);
    case UdpGarbageKind::SyncRecord: {
        // A well-formed message with one record of a type no version defines.
        std::vector<std::uint8_t> out =
            sync_message(kSyncHeaderSize + 4, kSyncVersion, kSyncHeaderSize + 4, 1, header);
        out[kSyncHeaderSize] = kSyncUnknownRecord;
        out[kSyncHeaderSize + 1] = 0;
        put_be(out, kSyncHeaderSize + 2, 4, 2);
        return out;
    }
    }
    return {};
}

int run_udp_garbage(const UdpGarbageOptions& options) {
    SocketAddress to = socket_address(options.target);
    Fd fd = open_socket(to.family(), SOCK_DGRAM);
    int ttl = 1;
    int loop = 0;
    if (to.family() == AF_INET) {
        setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
        setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop));
    } else {
        setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl));
        setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof(loop));
    }
    std::string target = format_address(to);
    std::mt19937 random = garbage_random(options.seed);
    SyncHeaderFields header;
    header.syncid = options.syncid;
    header.sender = static_cast<std::uint32_t>(random()) | 1U; // never 0
    auto now = std::chrono::system_clock::now().time_since_epoch();
    header.time_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
    for (std::uint32_t index = 0; index < options.count; ++index) {
        header.seq = index + 1ULL;
        std::vector<std::uint8_t> datagram = udp_garbage_datagram(options.kind, header, random);
        // A full socket buffer is waited out (1 ms at a time, for at most
        // a second), not counted as sent.
        for (int attempt = 0;; ++attempt) {
            if (::sendto(fd.get(), datagram.data(), datagram.size(), MSG_NOSIGNAL, to.get(),
                         to.length) >= 0)
                break;
            bool full = errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS;
            if ((!full && errno != EINTR) || attempt >= kMaxSendAttempts)
                throw SystemError("send to " + target + " (datagram " + std::to_string(index) + ")",
                                  errno);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    std::string kind(udp_garbage_kind_name(options.kind));
    std::printf("udp-garbage: sent %u %s datagrams to %s\n", options.count, kind.c_str(),
                target.c_str());
    std::fflush(stdout);
    return 0;
}

} // namespace fnat::traffic
