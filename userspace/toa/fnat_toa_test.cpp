// fnat-toa-test: test tool of the e2e scenario toa_realserver.sh (not
// installed). It plays the director and the application around fnat-toa:
//
//   inject --cgroup DIR --addr IPV4:PORT|[IPV6]:PORT [--on ack|data]
//       attaches bpf/toa_inject.bpf.c to DIR: connections made from DIR carry
//       a TOA option with the address (kind 254 for IPv4, 253 for IPv6; on
//       the SYN and the segments without data, or only on the segments with
//       data); stays in the foreground, prints "inject: attached ..." once
//       ready, detaches on SIGTERM/SIGINT.
//   peer-server --port N [--ipv6] [--toa-len N]
//       accepts connections (on a dual-stack AF_INET6 socket with --ipv6),
//       reads one line, answers "accept=ADDR getpeername=ADDR toa=TOA" --
//       the peer address accept() returned, the one getpeername() returns
//       after the line arrived, and what getsockopt(IPPROTO_TCP,
//       FNAT_TOA_SO_PEER) returns: an address, "none" (ENOPROTOOPT) or
//       "error:NAME" -- and prints the same line. --toa-len: the length
//       given to that getsockopt (default: a sockaddr_storage; more than a
//       page takes the kernel's path for large buffers).
//   peer-client --connect IPV4:PORT|[IPV6]:PORT
//       sends one line and prints the answer.
//   sockopt-probe
//       makes getsockopt() calls that fnat-toa must leave as the kernel
//       answers them (other options, buffers over a page, a length reported
//       beyond the buffer) and prints one line per call, "LABEL: ok len=N
//       [bytes]" or "LABEL: ERRNO": the output must not change when
//       fnat-toa is attached.
#include <algorithm>
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <iostream>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <uapi/fnat.h>

#include "toa/toa_loader.h"
#include "toa_inject.skel.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

[[noreturn]] void die(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

struct Endpoint {
    int family = AF_INET;
    in_addr addr{};
    in6_addr addr6{};
    std::uint16_t port = 0; // host byte order
};

// IPV4:PORT or [IPV6]:PORT.
Endpoint parse_endpoint(const std::string& text) {
    const std::size_t colon = text.rfind(':');
    Endpoint endpoint;
    const std::string port_text = colon == std::string::npos ? "" : text.substr(colon + 1);
    bool ok = colon != std::string::npos && !port_text.empty() &&
              port_text.find_first_not_of("0123456789") == std::string::npos &&
              port_text.size() <= 5;
    if (ok && text.front() == '[') {
        endpoint.family = AF_INET6;
        ok = colon >= 2 && text[colon - 1] == ']' &&
             inet_pton(AF_INET6, text.substr(1, colon - 2).c_str(), &endpoint.addr6) == 1;
    } else if (ok) {
        ok = inet_pton(AF_INET, text.substr(0, colon).c_str(), &endpoint.addr) == 1;
    }
    if (!ok)
        throw CLI::ValidationError("not an IPV4:PORT or [IPV6]:PORT: " + text);
    const unsigned long port = std::stoul(port_text);
    if (port > 65535)
        throw CLI::ValidationError("port out of range: " + text);
    endpoint.port = static_cast<std::uint16_t>(port);
    return endpoint;
}

std::string format(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        sockaddr_in sin{};
        std::memcpy(&sin, &address, sizeof(sin));
        inet_ntop(AF_INET, &sin.sin_addr, text, sizeof(text));
        return std::string(text) + ":" + std::to_string(ntohs(sin.sin_port));
    }
    if (address.ss_family == AF_INET6) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, &address, sizeof(sin6));
        inet_ntop(AF_INET6, &sin6.sin6_addr, text, sizeof(text));
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(sin6.sin6_port));
    }
    return "family" + std::to_string(address.ss_family);
}

std::string read_line(int fd) {
    std::string line;
    char c = 0;
    while (line.size() < 200) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("read");
        if (n == 0 || c == '\n')
            break;
        line.push_back(c);
    }
    return line;
}

void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("write");
        done += static_cast<std::size_t>(n);
    }
}

struct InjectDeleter {
    void operator()(toa_inject_bpf* skel) const { toa_inject_bpf::destroy(skel); }
};
struct LinkDeleter {
    void operator()(bpf_link* link) const { bpf_link__destroy(link); }
};

int inject(const std::string& cgroup, const std::string& addr, const std::string& on) {
    const std::string dir = fnat::toa::check_cgroup(cgroup);
    const Endpoint endpoint = parse_endpoint(addr);
    std::unique_ptr<toa_inject_bpf, InjectDeleter> skel(toa_inject_bpf::open());
    if (!skel)
        die("open the inject program");
    skel->rodata->inject_mode = on == "data" ? 1U : 0U;
    skel->rodata->inject_ipv6 = endpoint.family == AF_INET6 ? 1U : 0U;
    skel->rodata->inject_addr4 = endpoint.addr.s_addr;
    static_assert(sizeof(skel->rodata->inject_addr6) == sizeof(endpoint.addr6));
    std::memcpy(skel->rodata->inject_addr6, &endpoint.addr6, sizeof(endpoint.addr6));
    skel->rodata->inject_port = htons(endpoint.port);
    if (toa_inject_bpf::load(skel.get()) != 0)
        die("load the inject program");
    Fd cgroup_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (cgroup_fd.get() < 0)
        die("open " + dir);

    // Block the signals before attaching, then wait for one.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    std::unique_ptr<bpf_link, LinkDeleter> link(
        bpf_program__attach_cgroup(skel->progs.fnat_toa_inject, cgroup_fd.get()));
    if (!link)
        die("attach the inject program to " + dir);
    std::cout << "inject: attached to " << dir << ", TOA " << addr << " on " << on << std::endl;
    int signal = 0;
    sigwait(&signals, &signal);
    std::cout << "inject: detached" << std::endl;
    return kExitOk;
}

std::string errno_name(int error) {
    switch (error) {
    case ENOPROTOOPT:
        return "ENOPROTOOPT";
    case EINVAL:
        return "EINVAL";
    case EFAULT:
        return "EFAULT";
    case EPERM:
        return "EPERM";
    default:
        return "errno" + std::to_string(error);
    }
}

// What getsockopt(IPPROTO_TCP, FNAT_TOA_SO_PEER) answers with a buffer of
// LENGTH bytes.
std::string toa_peer(int fd, socklen_t length) {
    std::vector<char> buffer(std::max<std::size_t>(length, sizeof(sockaddr_storage)));
    if (::getsockopt(fd, IPPROTO_TCP, FNAT_TOA_SO_PEER, buffer.data(), &length) == 0) {
        sockaddr_storage toa{};
        std::memcpy(&toa, buffer.data(), sizeof(toa));
        const socklen_t want = toa.ss_family == AF_INET6  ? sizeof(sockaddr_in6)
                               : toa.ss_family == AF_INET ? sizeof(sockaddr_in)
                                                          : 0;
        if (length != want)
            return "badlen" + std::to_string(length) + ":" + format(toa);
        return format(toa);
    }
    if (errno == ENOPROTOOPT)
        return "none";
    return "error:" + errno_name(errno);
}

int peer_server(std::uint16_t port, bool ipv6, socklen_t toa_len) {
    Fd listener(::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (listener.get() < 0)
        die("socket");
    const int one = 1;
    const int zero = 0;
    ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ipv6) {
        if (::setsockopt(listener.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) != 0)
            die("IPV6_V6ONLY");
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_addr = in6addr_any;
        sin6.sin6_port = htons(port);
        if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&sin6), sizeof(sin6)) != 0)
            die("bind");
    } else {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_ANY);
        sin.sin_port = htons(port);
        if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0)
            die("bind");
    }
    if (::listen(listener.get(), 64) != 0)
        die("listen");
    std::cout << "listening " << (ipv6 ? "[::]:" : "0.0.0.0:") << port << std::endl;
    for (;;) {
        sockaddr_storage accepted{};
        socklen_t length = sizeof(accepted);
        Fd conn(::accept4(listener.get(), reinterpret_cast<sockaddr*>(&accepted), &length,
                          SOCK_CLOEXEC));
        if (conn.get() < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            die("accept");
        }
        const timeval timeout{5, 0};
        ::setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        read_line(conn.get());
        sockaddr_storage peer{};
        length = sizeof(peer);
        std::string seen = "-";
        if (::getpeername(conn.get(), reinterpret_cast<sockaddr*>(&peer), &length) == 0)
            seen = format(peer);
        const std::string line = "accept=" + format(accepted) + " getpeername=" + seen +
                                 " toa=" + toa_peer(conn.get(), toa_len);
        write_all(conn.get(), line + "\n");
        std::cout << line << std::endl;
    }
}

// "LABEL: ok len=N" (and, with SHOW, the bytes returned in hex) or
// "LABEL: ERRNO" for getsockopt(FD, LEVEL, NAME) with a SIZE-byte buffer
// (no buffer with NO_BUFFER).
std::string probe(int fd, int level, int name, const std::string& label, socklen_t size, bool show,
                  bool no_buffer = false) {
    std::vector<unsigned char> buffer(size);
    socklen_t length = size;
    if (::getsockopt(fd, level, name, no_buffer ? nullptr : buffer.data(), &length) != 0)
        return label + ": " + errno_name(errno);
    std::string line = label + ": ok len=" + std::to_string(length);
    if (show && !no_buffer) {
        static const char digits[] = "0123456789abcdef";
        line += " ";
        for (socklen_t i = 0; i < std::min(length, size); ++i) {
            line += digits[buffer[i] >> 4];
            line += digits[buffer[i] & 0xf];
        }
    }
    return line;
}

int sockopt_probe() {
    Fd tcp(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (tcp.get() < 0)
        die("socket");
    std::cout << probe(tcp.get(), IPPROTO_TCP, TCP_MAXSEG, "tcp TCP_MAXSEG 4", 4, true) << "\n"
              << probe(tcp.get(), IPPROTO_TCP, TCP_CONGESTION, "tcp TCP_CONGESTION 16", 16, true)
              << "\n"
              << probe(tcp.get(), IPPROTO_TCP, TCP_INFO, "tcp TCP_INFO 8192", 8192, false) << "\n"
              << probe(tcp.get(), IPPROTO_TCP, FNAT_TOA_SO_PEER, "tcp FNAT_TOA_SO_PEER 16", 16,
                       true)
              << "\n"
              << probe(tcp.get(), IPPROTO_TCP, FNAT_TOA_SO_PEER, "tcp FNAT_TOA_SO_PEER 8192", 8192,
                       true)
              << "\n"
              << probe(tcp.get(), IPPROTO_TCP, 0x7fff, "tcp 0x7fff 8192", 8192, true) << "\n"
              << probe(tcp.get(), IPPROTO_IP, IP_TTL, "ip IP_TTL 4", 4, true) << "\n"
              << probe(tcp.get(), SOL_SOCKET, SO_TYPE, "socket SO_TYPE 4", 4, true) << "\n";

    // The kernel reports the length it needs (8 bytes for rtnetlink's
    // groups) even when it fills less.
    Fd netlink(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (netlink.get() < 0)
        die("socket(AF_NETLINK)");
    const int group = RTNLGRP_LINK;
    if (::setsockopt(netlink.get(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) !=
        0)
        die("NETLINK_ADD_MEMBERSHIP");
    std::cout << probe(netlink.get(), SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS,
                       "netlink NETLINK_LIST_MEMBERSHIPS 4", 4, true)
              << "\n"
              << probe(netlink.get(), SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS,
                       "netlink NETLINK_LIST_MEMBERSHIPS NULL", 0, false, true)
              << "\n"
              << probe(netlink.get(), SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS,
                       "netlink NETLINK_LIST_MEMBERSHIPS 8192", 8192, true)
              << std::endl;
    return kExitOk;
}

int peer_client(const std::string& target) {
    const Endpoint endpoint = parse_endpoint(target);
    Fd fd(::socket(endpoint.family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0)
        die("socket");
    const timeval timeout{5, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_storage address{};
    socklen_t length = 0;
    if (endpoint.family == AF_INET6) {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_addr = endpoint.addr6;
        sin6.sin6_port = htons(endpoint.port);
        std::memcpy(&address, &sin6, sizeof(sin6));
        length = sizeof(sin6);
    } else {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr = endpoint.addr;
        sin.sin_port = htons(endpoint.port);
        std::memcpy(&address, &sin, sizeof(sin));
        length = sizeof(sin);
    }
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0)
        die("connect " + target);
    write_all(fd.get(), "hello\n");
    const std::string answer = read_line(fd.get());
    if (answer.empty())
        throw std::runtime_error("no answer from " + target);
    std::cout << answer << std::endl;
    return kExitOk;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"fnat-toa-test: test tool of the toa_realserver e2e scenario", "fnat-toa-test"};
    app.require_subcommand(1);
    std::string cgroup;
    std::string addr;
    std::string on = "ack";
    std::uint16_t port = 0;
    bool ipv6 = false;
    socklen_t toa_len = sizeof(sockaddr_storage);
    std::string target;
    CLI::App* inject_cmd = app.add_subcommand("inject", "add TOA to connections from a cgroup");
    inject_cmd->add_option("--cgroup", cgroup, "cgroup v2 directory of the client")->required();
    inject_cmd->add_option("--addr", addr, "IPV4:PORT (kind 254) or [IPV6]:PORT (kind 253)")
        ->required();
    inject_cmd->add_option("--on", on, "ack: SYN and segments without data; data: with data")
        ->check(CLI::IsMember({"ack", "data"}));
    CLI::App* server_cmd = app.add_subcommand("peer-server", "report the peer addresses seen");
    server_cmd->add_option("--port", port, "TCP port")->required();
    server_cmd->add_flag("--ipv6", ipv6, "dual-stack AF_INET6 listener");
    server_cmd->add_option("--toa-len", toa_len, "buffer length for getsockopt(FNAT_TOA_SO_PEER)")
        ->check(CLI::Range(0, 65536));
    CLI::App* client_cmd = app.add_subcommand("peer-client", "ask peer-server what it saw");
    client_cmd->add_option("--connect", target, "IPV4:PORT or [IPV6]:PORT")->required();
    CLI::App* probe_cmd =
        app.add_subcommand("sockopt-probe", "getsockopt() calls fnat-toa must not change");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int rc = app.exit(error);
        return rc == 0 ? kExitOk : kExitUsage;
    }
    try {
        if (*inject_cmd)
            return inject(cgroup, addr, on);
        if (*server_cmd)
            return peer_server(port, ipv6, toa_len);
        if (*probe_cmd)
            return sockopt_probe();
        return peer_client(target);
    } catch (const std::exception& error) {
        std::cerr << "fnat-toa-test: " << error.what() << "\n";
        return kExitError;
    }
}
