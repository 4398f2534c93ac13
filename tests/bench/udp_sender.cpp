#include "bench/udp_sender.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <netinet/in.h>
#include <optional>
#include <span>
#include <sys/socket.h>
#include <thread>
#include <vector>

#include "bench/pacer.h"
#include "bench/raw_packet.h"
#include "bench/socket.h"

namespace fnat::bench {
namespace {

constexpr std::size_t kBatch = 64;
constexpr auto kSendTimeout = std::chrono::milliseconds(100);
constexpr int kSendBuffer = 4 << 20;
constexpr int kRawRetries = 100;

Clock::duration seconds(double value) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

std::uint64_t packet_limit(const UdpOptions& options) {
    return options.max_packets.value_or(std::numeric_limits<std::uint64_t>::max());
}

// What one socket-mode thread sends and counts.
struct SocketShare {
    std::vector<Fd> sockets;
    std::uint64_t quota = 0; // its part of --max-packets
    std::uint64_t sent = 0;
    std::uint64_t errors = 0;
};

void send_share(SocketShare& share, const std::vector<char>& payload, std::optional<double> rate,
                Clock::time_point start, Clock::time_point end) {
    std::array<iovec, kBatch> vectors{};
    std::array<mmsghdr, kBatch> messages{};
    for (std::size_t i = 0; i < kBatch; ++i) {
        // sendmmsg only reads the payload, and all datagrams carry the same.
        vectors[i].iov_base = const_cast<char*>(payload.data());
        vectors[i].iov_len = payload.size();
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    Pacer pacer(rate, start);
    std::size_t next = 0;
    while (share.sent < share.quota && Clock::now() < end) {
        std::uint64_t want = std::min<std::uint64_t>(kBatch, share.quota - share.sent);
        std::uint64_t batch = pacer.next_batch(share.sent, want, end);
        if (batch == 0)
            break;
        int fd = share.sockets[next].get();
        next = (next + 1) % share.sockets.size();
        int n = ::sendmmsg(fd, messages.data(), static_cast<unsigned>(batch), 0);
        if (n > 0)
            share.sent += static_cast<std::uint64_t>(n);
        else if (n < 0 && errno != EINTR)
            ++share.errors; // ENOBUFS, EAGAIN, ECONNREFUSED (an ICMP error): go on
    }
}

} // namespace

UdpTotals run_udp_sockets(const UdpOptions& options) {
    std::vector<SocketShare> shares(options.threads);
    for (std::uint64_t flow = 0; flow < options.flows; ++flow) {
        Fd fd(::socket(options.target.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (!fd)
            throw SystemError("udp socket", errno);
        set_timeout(fd.get(), SO_SNDTIMEO, kSendTimeout);
        if (::connect(fd.get(), options.target.get(), options.target.length) != 0)
            throw SystemError("connect udp to " + to_string(options.target), errno);
        shares[flow % options.threads].sockets.push_back(std::move(fd));
    }
    std::uint64_t limit = packet_limit(options);
    for (std::uint32_t i = 0; i < options.threads; ++i) {
        if (limit == std::numeric_limits<std::uint64_t>::max())
            shares[i].quota = limit;
        else
            shares[i].quota = limit / options.threads + (i < limit % options.threads ? 1 : 0);
    }
    std::optional<double> rate;
    if (options.pps_limit)
        rate = static_cast<double>(*options.pps_limit) / options.threads;
    std::vector<char> payload(options.size, 'u');

    auto start = Clock::now();
    auto end = start + seconds(options.duration);
    std::vector<std::thread> threads;
    for (SocketShare& share : shares)
        threads.emplace_back([&, raw = &share] { send_share(*raw, payload, rate, start, end); });
    for (std::thread& thread : threads)
        thread.join();

    UdpTotals totals;
    totals.seconds = seconds_between(start, Clock::now());
    totals.flows = options.flows;
    for (const SocketShare& share : shares) {
        totals.sent += share.sent;
        totals.send_errors += share.errors;
    }
    return totals;
}

UdpTotals run_udp_raw(const UdpOptions& options) {
    Fd fd(::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW));
    if (!fd)
        throw SystemError("raw socket (needs CAP_NET_RAW)", errno);
    if (!try_option(fd.get(), SOL_SOCKET, SO_SNDBUFFORCE, kSendBuffer))
        try_option(fd.get(), SOL_SOCKET, SO_SNDBUF, kSendBuffer);
    set_timeout(fd.get(), SO_SNDTIMEO, kSendTimeout);

    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(options.target.ipv4());
    std::size_t packet_size = kRawOverheadBytes + options.size;
    std::vector<std::uint8_t> buffers(kBatch * packet_size);
    std::array<iovec, kBatch> vectors{};
    std::array<mmsghdr, kBatch> messages{};
    for (std::size_t i = 0; i < kBatch; ++i) {
        vectors[i].iov_base = buffers.data() + i * packet_size;
        vectors[i].iov_len = packet_size;
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_name = &to;
        messages[i].msg_hdr.msg_namelen = sizeof(to);
    }
    UdpPacketFields fields;
    fields.dest = options.target.ipv4();
    fields.dest_port = options.target.port();
    fields.payload_bytes = options.size;

    std::uint64_t total = std::min(options.flows * options.per_flow, packet_limit(options));
    std::optional<double> rate;
    if (options.pps_limit)
        rate = static_cast<double>(*options.pps_limit);
    auto start = Clock::now();
    auto end = start + seconds(options.duration);
    Pacer pacer(rate, start);
    UdpTotals totals;
    totals.flows = options.flows;
    std::uint64_t done = 0; // packets sent or given up
    int retries = 0;
    while (done < total && Clock::now() < end) {
        std::uint64_t batch =
            pacer.next_batch(done, std::min<std::uint64_t>(kBatch, total - done), end);
        if (batch == 0)
            break;
        for (std::uint64_t i = 0; i < batch; ++i) {
            std::uint64_t packet = done + i;
            fields.source = flow_source(options.src_net, packet % options.flows);
            fields.ip_id = static_cast<std::uint16_t>(packet);
            build_udp_packet(std::span(buffers).subspan(i * packet_size, packet_size), fields);
        }
        int n = ::sendmmsg(fd.get(), messages.data(), static_cast<unsigned>(batch), 0);
        if (n > 0) {
            totals.sent += static_cast<std::uint64_t>(n);
            done += static_cast<std::uint64_t>(n);
            retries = 0;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == ENOBUFS || errno == EAGAIN) && retries < kRawRetries) {
            ++retries;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            continue;
        }
        // The first packet of the batch is given up; the rest go next turn.
        ++totals.send_errors;
        ++done;
        retries = 0;
    }
    totals.seconds = seconds_between(start, Clock::now());
    return totals;
}

} // namespace fnat::bench
