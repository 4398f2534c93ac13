#include <algorithm>
#include <cerrno>
#include <functional>
#include <netinet/in.h>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/command_runner.h"
#include "lib/netlink_error.h"
#include "lib/restore.h"
#include "tests/test_model.h"

namespace fnat {
namespace {

// An in-memory fnat.ko that applies requests the way the module does: one
// request at a time, whole or not at all, refusing with the module's errnos.
class ModelApi : public FnatApi {
public:
    Info get_info() override {
        return Info{FNAT_VERSION_CODE, 4096, static_cast<std::uint32_t>(entries.size())};
    }

    std::vector<Service> list_services() override {
        std::vector<Service> out;
        for (const auto& entry : entries)
            out.push_back(entry.service);
        return out;
    }

    Service get_service(const ServiceKey& key) override { return find(key, FNAT_CMD_GET_SERVICE); }

    std::vector<Dest> list_dests(const ServiceKey& key) override {
        return entry_of(key, FNAT_CMD_GET_DEST).dests;
    }

    Timeouts get_timeouts() override { return timeouts; }

    std::vector<Conn> list_conns(const std::optional<ServiceKey>&) override { return {}; }

    std::vector<SyncDaemon> list_daemons() override { return {}; }

    std::vector<LaddrEntry> list_laddrs(const std::optional<ServiceKey>& service) override {
        if (service)
            entry_of(*service, FNAT_CMD_GET_LADDR); // ESRCH when absent
        std::vector<LaddrEntry> out;
        for (const auto& entry : entries)
            if (!service || entry.service.key == *service)
                for (const auto& laddr : entry.laddrs)
                    out.push_back(LaddrEntry{entry.service.key, laddr});
        return out;
    }

    void execute(const Request& request) override {
        executed.push_back(request);
        if (fail_when && fail_when(request))
            refuse(request.command, ENOMEM);
        switch (request.command) {
        case FNAT_CMD_FLUSH:
            entries.clear();
            return;
        case FNAT_CMD_NEW_SERVICE:
            new_service(*request.service);
            return;
        case FNAT_CMD_SET_SERVICE:
            set_service(*request.service);
            return;
        case FNAT_CMD_DEL_SERVICE: {
            entry_of(request.service->key, request.command); // ESRCH when absent
            std::erase_if(entries, [&](const ServiceEntry& entry) {
                return entry.service.key == request.service->key;
            });
            return;
        }
        case FNAT_CMD_NEW_DEST:
        case FNAT_CMD_SET_DEST:
        case FNAT_CMD_DEL_DEST:
            change_dest(request);
            return;
        case FNAT_CMD_NEW_LADDR:
        case FNAT_CMD_DEL_LADDR:
            change_laddr(request);
            return;
        case FNAT_CMD_ZERO:
            if (request.service)
                entry_of(request.service->key, request.command);
            return;
        case FNAT_CMD_SET_TIMEOUT:
            timeouts.tcp = request.timeout->tcp.value_or(timeouts.tcp);
            timeouts.tcp_fin = request.timeout->tcp_fin.value_or(timeouts.tcp_fin);
            timeouts.udp = request.timeout->udp.value_or(timeouts.udp);
            return;
        default:
            refuse(request.command, EOPNOTSUPP);
        }
    }

    std::vector<ServiceEntry> entries;
    Timeouts timeouts{FNAT_TIMEOUT_TCP_DEFAULT, FNAT_TIMEOUT_TCP_FIN_DEFAULT,
                      FNAT_TIMEOUT_UDP_DEFAULT};
    std::vector<Request> executed;
    // Makes execute() fail with ENOMEM for the requests it returns true for.
    std::function<bool(const Request&)> fail_when;

private:
    // Without extack fnatadm prints ipvsadm's texts; the refusals ipvsadm
    // has no words for carry the module's.
    [[noreturn]] static void refuse(std::uint8_t command, int error, const char* extack = "") {
        NetlinkError failure(error, extack);
        failure.set_command(command);
        throw failure;
    }

    ServiceEntry& entry_of(const ServiceKey& key, std::uint8_t command) {
        for (auto& entry : entries)
            if (entry.service.key == key)
                return entry;
        refuse(command, ESRCH);
    }

    Service find(const ServiceKey& key, std::uint8_t command) {
        return entry_of(key, command).service;
    }

    static void check_scheduler(const ServiceSpec& spec, std::uint8_t command) {
        const std::vector<std::string> known{"rr", "wrr",  "lc",    "wlc", "sed", "nq",  "dh",
                                             "sh", "lblc", "lblcr", "mh",  "fo",  "ovf", "twos"};
        if (std::find(known.begin(), known.end(), spec.scheduler.value_or("wlc")) == known.end())
            refuse(command, ENOENT);
    }

    static void apply(Service& service, const ServiceSpec& spec) {
        service.scheduler = spec.scheduler.value_or("wlc");
        service.flags = spec.flags.value_or(0);
        service.timeout = spec.timeout.value_or(0);
        service.netmask = spec.netmask.value_or(service.key.address.max_prefix());
    }

    static bool direct(ForwardMethod forward) {
        return forward == ForwardMethod::DirectRoute || forward == ForwardMethod::Tunnel;
    }

    // The SYN proxy's rules, as include/uapi/fnat.h words them: TCP only,
    // and NAT or FULLNAT dests only, on the service's side and the dests'.
    static void check_synproxy(const ServiceSpec& spec, const std::vector<Dest>& dests,
                               std::uint8_t command) {
        if ((spec.flags.value_or(0) & FNAT_SVC_F_SYNPROXY) == 0)
            return;
        if (spec.key.protocol != IPPROTO_TCP)
            refuse(command, EINVAL, "SYN proxy is for TCP services");
        if (std::any_of(dests.begin(), dests.end(),
                        [](const Dest& dest) { return direct(dest.forward); }))
            refuse(command, EINVAL,
                   "SYN proxy needs NAT or FULLNAT destinations: direct routing and tunnelled "
                   "servers answer clients past the director");
    }

    void new_service(const ServiceSpec& spec) {
        for (const auto& entry : entries)
            if (entry.service.key == spec.key)
                refuse(FNAT_CMD_NEW_SERVICE, EEXIST);
        check_scheduler(spec, FNAT_CMD_NEW_SERVICE);
        check_synproxy(spec, {}, FNAT_CMD_NEW_SERVICE);
        Service service;
        service.key = spec.key;
        apply(service, spec);
        entries.push_back(ServiceEntry{service, {}});
    }

    void set_service(const ServiceSpec& spec) {
        ServiceEntry& entry = entry_of(spec.key, FNAT_CMD_SET_SERVICE);
        check_scheduler(spec, FNAT_CMD_SET_SERVICE);
        check_synproxy(spec, entry.dests, FNAT_CMD_SET_SERVICE);
        apply(entry.service, spec);
    }

    // The module's rule the order of -S and of the rollback follows: a
    // FULLNAT destination needs a local address of its own family on its
    // service (the errno here is the model's).
    static void check_fullnat(const ServiceEntry& entry, const Request& request) {
        if (request.command == FNAT_CMD_DEL_DEST || request.dest->forward != ForwardMethod::FullNat)
            return;
        const std::uint16_t family = request.dest->key.address.family;
        if (std::none_of(entry.laddrs.begin(), entry.laddrs.end(),
                         [&](const LocalAddress& laddr) { return laddr.address.family == family; }))
            refuse(request.command, EINVAL);
    }

    // include/uapi/fnat.h's families: a dest has its service's, except
    // IPv4 FULLNAT dests of an IPv6 service; an IPv6 service may hold local
    // addresses of both families, an IPv4 one only IPv4 ones.
    static void check_dest_family(const ServiceEntry& entry, const Request& request) {
        const std::uint16_t service = entry.service.key.address.family;
        const std::uint16_t dest = request.dest->key.address.family;
        if (dest == service || request.command == FNAT_CMD_DEL_DEST)
            return;
        if (service == AF_INET6 && dest == AF_INET &&
            request.dest->forward == ForwardMethod::FullNat)
            return;
        refuse(request.command, EAFNOSUPPORT);
    }

    void change_laddr(const Request& request) {
        ServiceEntry& entry = entry_of(request.service->key, request.command);
        if (entry.service.key.address.is_ipv4() && !request.laddr->is_ipv4())
            refuse(request.command, EAFNOSUPPORT);
        auto found =
            std::find_if(entry.laddrs.begin(), entry.laddrs.end(), [&](const LocalAddress& laddr) {
                return laddr.address == *request.laddr;
            });
        if (request.command == FNAT_CMD_NEW_LADDR) {
            if (found != entry.laddrs.end())
                refuse(request.command, EEXIST);
            entry.laddrs.push_back(LocalAddress{*request.laddr, 0, 0, 0});
        } else {
            if (found == entry.laddrs.end())
                refuse(request.command, ENOENT);
            entry.laddrs.erase(found);
        }
    }

    void change_dest(const Request& request) {
        ServiceEntry& entry = entry_of(request.service->key, request.command);
        check_dest_family(entry, request);
        if (request.command != FNAT_CMD_DEL_DEST && entry.service.synproxy() &&
            direct(request.dest->forward.value_or(ForwardMethod::DirectRoute)))
            refuse(request.command, EINVAL, "A SYN proxy service forwards by NAT or FULLNAT only");
        check_fullnat(entry, request);
        const DestSpec& spec = *request.dest;
        auto found = std::find_if(entry.dests.begin(), entry.dests.end(),
                                  [&](const Dest& dest) { return dest.key == spec.key; });
        if (request.command == FNAT_CMD_NEW_DEST) {
            if (found != entry.dests.end())
                refuse(request.command, EEXIST);
            entry.dests.push_back(Dest{spec.key, {}, 0, 0, 0, 0, 0, 0, {}});
            found = entry.dests.end() - 1;
        } else if (found == entry.dests.end()) {
            refuse(request.command, ENOENT);
        }
        if (request.command == FNAT_CMD_DEL_DEST) {
            entry.dests.erase(found);
        } else {
            found->forward = spec.forward.value_or(ForwardMethod::DirectRoute);
            found->weight = spec.weight.value_or(1);
            found->u_threshold = spec.u_threshold.value_or(0);
            found->l_threshold = spec.l_threshold.value_or(0);
        }
        entry.service.num_dests = static_cast<std::uint32_t>(entry.dests.size());
    }
};

// Everything a restore may change, in creation order, one line per object.
std::string describe(const ModelApi& api) {
    std::ostringstream out;
    out << "timeouts " << api.timeouts.tcp << ' ' << api.timeouts.tcp_fin << ' ' << api.timeouts.udp
        << '\n';
    for (const auto& entry : api.entries) {
        const Service& service = entry.service;
        out << "service " << int{service.key.protocol} << ' '
            << format_endpoint(service.key.address, service.key.port) << ' ' << service.scheduler
            << " flags=" << service.flags << " timeout=" << service.timeout
            << " netmask=" << int{service.netmask} << '\n';
        for (const auto& laddr : entry.laddrs)
            out << "  laddr " << to_string(laddr.address) << '\n';
        for (const auto& dest : entry.dests)
            out << "  dest " << format_endpoint(dest.key.address, dest.key.port)
                << " fwd=" << static_cast<int>(dest.forward) << " w=" << dest.weight
                << " x=" << dest.u_threshold << " y=" << dest.l_threshold << '\n';
    }
    return out.str();
}

std::string save(ModelApi& api) {
    std::ostringstream out;
    run_command(parse_command_line({"-S", "-n"}), api, out);
    return out.str();
}

// What fnatadm -R does: parse everything, then apply.
void restore(ModelApi& api, const std::string& input) {
    std::istringstream in(input);
    apply_restore(parse_restore_input(in), api);
}

Dest make_dest(Address address, std::uint16_t port, ForwardMethod forward, std::uint32_t weight,
               std::uint32_t u_threshold = 0, std::uint32_t l_threshold = 0) {
    return Dest{DestKey{address, port}, forward, weight, u_threshold, l_threshold, 0, 0, 0, {}};
}

// Every kind of line -S prints: persistence with and without -M, a zero
// port, UDP, each forwarding method (TUN with --tun-type), weight 0,
// thresholds; local addresses (added out of numeric order, which -S
// keeps), one needed by the FULLNAT destination; and timeouts that are not
// the defaults.
ModelApi rich_model() {
    ModelApi api;
    const auto vip = [](std::uint8_t last) { return Address::ipv4(192, 168, 0, last); };
    const auto rip = [](std::uint8_t last) { return Address::ipv4(10, 0, 1, last); };
    api.entries.push_back(
        ServiceEntry{test::make_service(ServiceKey{IPPROTO_TCP, vip(240), 80}, "rr", 20),
                     {make_dest(rip(4), 80, ForwardMethod::DirectRoute, 2),
                      make_dest(rip(3), 80, ForwardMethod::Tunnel, 1)}});
    api.entries.push_back(
        ServiceEntry{test::make_service(ServiceKey{IPPROTO_TCP, vip(134), 80}, "wrr", 30, 16),
                     {make_dest(rip(6), 8080, ForwardMethod::Masquerade, 65535, 10, 5),
                      make_dest(rip(7), 8080, ForwardMethod::Masquerade, 0, 100),
                      make_dest(rip(8), 9000, ForwardMethod::FullNat, 4, 30, 20)},
                     {LocalAddress{Address::ipv4(10, 0, 9, 2), 5, 6, 7},
                      LocalAddress{Address::ipv4(10, 0, 9, 1), 0, 0, 0}}});
    api.entries.push_back(
        ServiceEntry{test::make_service(ServiceKey{IPPROTO_TCP, vip(200), 0}, "wlc", 300), {}});
    api.entries.push_back(
        ServiceEntry{test::make_service(ServiceKey{IPPROTO_UDP, vip(53), 53}, "rr"),
                     {make_dest(rip(2), 53, ForwardMethod::DirectRoute, 1)}});
    for (auto& entry : api.entries)
        entry.service.num_dests = static_cast<std::uint32_t>(entry.dests.size());
    api.timeouts = Timeouts{30, 20, 60};
    return api;
}

// Sorted like -S: the order a restored table is created in.
std::string describe_sorted(ModelApi api) {
    Table table{api.get_info(), api.entries};
    sort_table(table);
    api.entries = table.services;
    return describe(api);
}

TEST(Restore, SavedTableRoundTrips) {
    ModelApi original = rich_model();
    const std::string saved = save(original);
    ASSERT_NE(saved.find("--tun-type ipip"), std::string::npos) << saved;
    ASSERT_NE(saved.find(" -b -w 4 -x 30 -y 20"), std::string::npos) << saved;
    // The local addresses right after their service, before its dests.
    ASSERT_NE(saved.find("-A -t 192.168.0.134:80 -s wrr -p 30 -M 255.255.0.0\n"
                         "-P -t 192.168.0.134:80 -z 10.0.9.2\n"
                         "-P -t 192.168.0.134:80 -z 10.0.9.1\n"
                         "-a -t 192.168.0.134:80 "),
              std::string::npos)
        << saved;

    ModelApi restored;
    restored.timeouts = original.timeouts;
    restore(restored, saved);
    EXPECT_EQ(save(restored), saved);
    EXPECT_EQ(describe(restored), describe_sorted(original));

    // -C then -S's lines, into the very table they were saved from.
    ModelApi same = rich_model();
    restore(same, "-C\n" + saved);
    EXPECT_EQ(describe(same), describe_sorted(original));
}

// IPv6: a TCP service with an IPv6 NAT dest and an IPv4 FULLNAT one (6->4),
// and local addresses of both families, the IPv6 one added first; a
// persistent UDP service with a prefix mask; and an IPv4 service, which
// -S lists first (family before protocol).
ModelApi mixed_model() {
    ModelApi api;
    const Address vip = parse_address("2001:db8::1");
    const Address rip6 = parse_address("2001:db8::10");
    api.entries.push_back(
        ServiceEntry{test::make_service(ServiceKey{IPPROTO_UDP, vip, 53}, "wrr", 60, 64),
                     {make_dest(rip6, 53, ForwardMethod::DirectRoute, 1)}});
    api.entries.push_back(ServiceEntry{
        test::make_service(ServiceKey{IPPROTO_TCP, vip, 80}, "rr", 0, 128),
        {make_dest(rip6, 8080, ForwardMethod::Masquerade, 2),
         make_dest(Address::ipv4(10, 0, 0, 5), 80, ForwardMethod::FullNat, 1, 100, 10)},
        {LocalAddress{parse_address("2001:db8::100"), 0, 0, 0},
         LocalAddress{Address::ipv4(10, 0, 9, 1), 0, 0, 0}}});
    api.entries.push_back(ServiceEntry{
        test::make_service(ServiceKey{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 80}, "rr"),
        {make_dest(Address::ipv4(10, 0, 1, 3), 80, ForwardMethod::Masquerade, 1)}});
    for (auto& entry : api.entries)
        entry.service.num_dests = static_cast<std::uint32_t>(entry.dests.size());
    return api;
}

const char* const kMixedSaved = "-A -t 10.0.0.1:80 -s rr\n"
                                "-a -t 10.0.0.1:80 -r 10.0.1.3:80 -m -w 1\n"
                                "-A -t [2001:db8::1]:80 -s rr\n"
                                "-P -t [2001:db8::1]:80 -z 2001:db8::100\n"
                                "-P -t [2001:db8::1]:80 -z 10.0.9.1\n"
                                "-a -t [2001:db8::1]:80 -r 10.0.0.5:80 -b -w 1 -x 100 -y 10\n"
                                "-a -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -m -w 2\n"
                                "-A -u [2001:db8::1]:53 -s wrr -p 60 -M 64\n"
                                "-a -u [2001:db8::1]:53 -r [2001:db8::10]:53 -g -w 1\n";

TEST(Restore, MixedFamiliesRoundTrip) {
    ModelApi original = mixed_model();
    const std::string saved = save(original);
    EXPECT_EQ(saved, kMixedSaved);

    ModelApi restored;
    restore(restored, saved);
    EXPECT_EQ(save(restored), saved);
    EXPECT_EQ(describe(restored), describe_sorted(original));
    ASSERT_NE(describe(restored).find("service 6 [2001:db8::1]:80 rr flags=0 timeout=0 "
                                      "netmask=128\n"
                                      "  laddr 2001:db8::100\n"
                                      "  laddr 10.0.9.1\n"
                                      "  dest 10.0.0.5:80 fwd=4 w=1 x=100 y=10\n"
                                      "  dest [2001:db8::10]:8080 fwd=3 w=2 x=0 y=0\n"),
              std::string::npos)
        << describe(restored);

    // Each address goes with its own family, whatever the service's.
    std::vector<std::string> families;
    for (const Request& request : restored.executed) {
        if (!request.service || !request.service->key.address.is_ipv6())
            continue;
        if (request.laddr)
            families.push_back("laddr " + to_string(*request.laddr) + " " +
                               std::to_string(request.laddr->family));
        if (request.dest)
            families.push_back("dest " + to_string(request.dest->key.address) + " " +
                               std::to_string(request.dest->key.address.family));
    }
    EXPECT_EQ(families, (std::vector<std::string>{
                            "laddr 2001:db8::100 " + std::to_string(AF_INET6),
                            "laddr 10.0.9.1 " + std::to_string(AF_INET),
                            "dest 10.0.0.5 " + std::to_string(AF_INET),
                            "dest 2001:db8::10 " + std::to_string(AF_INET6),
                            "dest 2001:db8::10 " + std::to_string(AF_INET6),
                        }));
}

// Services with scheduler flags: sh's and mh's own names, a raw flag of
// another scheduler, and SCHED3 of sh, which ipvsadm leaves unnamed.
ModelApi sched_flags_model() {
    ModelApi api;
    auto add = [&](std::uint8_t last, const char* scheduler, std::uint32_t timeout,
                   std::uint32_t flags) {
        Service service = test::make_service(
            ServiceKey{IPPROTO_TCP, Address::ipv4(192, 168, 0, last), 80}, scheduler, timeout);
        service.flags |= flags;
        api.entries.push_back(ServiceEntry{
            service,
            {make_dest(Address::ipv4(10, 0, 1, last), 80, ForwardMethod::DirectRoute, 1)}});
    };
    add(1, "sh", 360, FNAT_SVC_F_SCHED_SH_FALLBACK | FNAT_SVC_F_SCHED_SH_PORT);
    add(2, "mh", 0, FNAT_SVC_F_SCHED_MH_PORT);
    add(3, "rr", 0, FNAT_SVC_F_SCHED2);
    add(4, "sh", 0, FNAT_SVC_F_SCHED3);
    add(5, "wlc", 0, 0);
    return api;
}

TEST(Restore, SchedFlagsRoundTrip) {
    ModelApi original = sched_flags_model();
    const std::string saved = save(original);
    EXPECT_EQ(saved, "-A -t 192.168.0.1:80 -s sh -p 360 -b sh-fallback,sh-port\n"
                     "-a -t 192.168.0.1:80 -r 10.0.1.1:80 -g -w 1\n"
                     "-A -t 192.168.0.2:80 -s mh -b mh-port\n"
                     "-a -t 192.168.0.2:80 -r 10.0.1.2:80 -g -w 1\n"
                     "-A -t 192.168.0.3:80 -s rr -b flag-2\n"
                     "-a -t 192.168.0.3:80 -r 10.0.1.3:80 -g -w 1\n"
                     "-A -t 192.168.0.4:80 -s sh -b flag-3\n"
                     "-a -t 192.168.0.4:80 -r 10.0.1.4:80 -g -w 1\n"
                     "-A -t 192.168.0.5:80 -s wlc\n"
                     "-a -t 192.168.0.5:80 -r 10.0.1.5:80 -g -w 1\n");
    ModelApi restored;
    restore(restored, saved);
    EXPECT_EQ(describe(restored), describe(original));
    EXPECT_EQ(save(restored), saved);
}

TEST(Restore, EditServiceReplacesTheSchedFlags) {
    ModelApi api;
    restore(api, "-A -t 10.0.0.1:80 -s sh -b sh-port\n"
                 "-A -t 10.0.0.2:80 -s sh -b sh-port\n"
                 "-E -t 10.0.0.1:80 -s sh -b sh-fallback\n"
                 "-E -t 10.0.0.2:80 -s sh\n");
    EXPECT_EQ(save(api), "-A -t 10.0.0.1:80 -s sh -b sh-fallback\n"
                         "-A -t 10.0.0.2:80 -s sh\n");
}

TEST(Restore, BadSchedFlagsLineChangesNothing) {
    ModelApi api = sched_flags_model();
    const std::string before = describe(api);
    std::istringstream in("-C\n-A -t 10.0.0.1:80 -s rr -b sh-port\n");
    try {
        parse_restore_input(in);
        ADD_FAILURE() << "accepted";
    } catch (const RestoreError& error) {
        EXPECT_EQ(std::string(error.what()), "line 2: incompatible scheduler flag `sh-port'");
    }
    EXPECT_EQ(describe(api), before);
    EXPECT_TRUE(api.executed.empty());
}

TEST(Restore, OnlyChangingCommandsAreSent) {
    ModelApi api;
    restore(api, "-A -t 10.0.0.1:80 -s rr\n"
                 "-a -t 10.0.0.1:80 -r 10.0.1.1 -m\n"
                 "-e -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 5\n"
                 "-E -t 10.0.0.1:80 -s wrr -p 60\n"
                 "--set 0 0 0\n" // sends nothing, as on the command line
                 "--set 10 0 30\n"
                 "-Z\n"
                 "-A -u 10.0.0.1:53 -s rr\n"
                 "-D -u 10.0.0.1:53\n"
                 "-a -t 10.0.0.1:80 -r 10.0.1.2 -g\n"
                 "-d -t 10.0.0.1:80 -r 10.0.1.2\n");
    EXPECT_EQ(api.executed.size(), 10U);
    EXPECT_EQ(save(api), "-A -t 10.0.0.1:80 -s wrr -p 60\n"
                         "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 5\n");
    EXPECT_EQ(api.timeouts, (Timeouts{10, FNAT_TIMEOUT_TCP_FIN_DEFAULT, 30}));
}

TEST(Restore, CommentsAndBlankLinesAreSkipped) {
    ModelApi api;
    restore(api, "# saved by fnatadm -S\n"
                 "\n"
                 "   \t \n"
                 "  # indented comment\n"
                 "-A -t 10.0.0.1:80 -s rr\n"
                 "\n"
                 "\t-a   -t 10.0.0.1:80\t-r 10.0.1.1:80 -m -w 3  \r\n"
                 "#-A -t 10.0.0.2:80 -s rr\n");
    EXPECT_EQ(save(api), "-A -t 10.0.0.1:80 -s rr\n"
                         "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 3\n");
}

TEST(Restore, EmptyInputChangesNothing) {
    ModelApi api = rich_model();
    const std::string before = describe(api);
    restore(api, "");
    restore(api, "# nothing\n\n");
    EXPECT_EQ(describe(api), before);
    EXPECT_TRUE(api.executed.empty());
}

// The line of a RestoreError thrown by restore(), and its text.
struct Failure {
    std::size_t line = 0;
    std::string what;
    std::string rollback_error;
    bool failed_in_kernel = false;
};

Failure restore_failure(ModelApi& api, const std::string& input) {
    try {
        restore(api, input);
    } catch (const RestoreFailed& error) {
        return Failure{error.line(), error.what(), error.rollback_error(), true};
    } catch (const RestoreError& error) {
        return Failure{error.line(), error.what(), "", false};
    }
    ADD_FAILURE() << "the restore succeeded:\n" << input;
    return Failure{};
}

TEST(Restore, ParseErrorChangesNothingAndNamesTheLine) {
    ModelApi api = rich_model();
    const std::string before = describe(api);
    const Failure failure = restore_failure(api, "-C\n"
                                                 "-A -t 10.0.0.1:80 -s rr\n"
                                                 "-a -t 10.0.0.1:80 -r 10.0.1.1 -w 70000\n"
                                                 "-a -t 10.0.0.1:80 -r 10.0.1.2\n");
    EXPECT_FALSE(failure.failed_in_kernel);
    EXPECT_EQ(failure.line, 3U);
    EXPECT_EQ(failure.what,
              "line 3: illegal weight specified (-w '70000': must be an integer 0..65535)");
    EXPECT_TRUE(api.executed.empty()); // not even the -C of line 1
    EXPECT_EQ(describe(api), before);
}

TEST(Restore, LineNumbersCountCommentsAndBlankLines) {
    ModelApi api;
    const Failure failure = restore_failure(api, "# header\n"
                                                 "\n"
                                                 "-A -t 10.0.0.1:80 -s rr\n"
                                                 "-A -t 10.0.0.1:80 --bogus\n");
    EXPECT_EQ(failure.line, 4U);
    EXPECT_EQ(failure.what, "line 4: unknown option '--bogus' (see fnatadm -h)");
    EXPECT_TRUE(api.executed.empty());
}

TEST(Restore, CommandsThatDoNotChangeTheTableAreRefused) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"-R", "-R (--restore) is not allowed in restore input"},
        {"--restore", "-R (--restore) is not allowed in restore input"},
        {"-S -n", "-S (--save) is not allowed in restore input"},
        {"-L -n", "-L (--list) is not allowed in restore input"},
        {"-l --timeout", "-L (--list) is not allowed in restore input"},
        {"-G", "-G (--get-laddr) is not allowed in restore input"},
        {"--get-laddr -t 10.0.0.1:80", "-G (--get-laddr) is not allowed in restore input"},
        {"-h", "-h (--help) is not allowed in restore input"},
        {"-v", "-v (--version) is not allowed in restore input"},
        // Not rules; and "--sync-key -" would read the rest of the input.
        {"--start-daemon master --mcast-interface eth0",
         "--start-daemon is not allowed in restore input"},
        {"--start-daemon backup --mcast-interface eth0 --sync-key -",
         "--start-daemon is not allowed in restore input"},
        {"--stop-daemon master", "--stop-daemon is not allowed in restore input"},
        {"-L --daemon", "-L (--list) is not allowed in restore input"},
    };
    for (const auto& [line, message] : cases) {
        ModelApi api = rich_model();
        const std::string before = describe(api);
        const Failure failure = restore_failure(api, "-C\n" + line + "\n");
        EXPECT_EQ(failure.what, "line 2: " + message) << line;
        EXPECT_TRUE(api.executed.empty()) << line;
        EXPECT_EQ(describe(api), before) << line;
    }
}

TEST(Restore, KernelErrorRollsBackToThePreviousTable) {
    ModelApi api = rich_model();
    const std::string before = describe(api);
    // Changes to services the input names and to one it does not, the
    // timeouts, then a dest for a service that does not exist.
    const Failure failure =
        restore_failure(api, "--set 1 2 3\n"
                             "-A -t 10.0.0.1:80 -s rr\n"
                             "-a -t 10.0.0.1:80 -r 10.0.1.1 -m\n"
                             "-E -t 192.168.0.240:80 -s wlc\n"
                             "-d -t 192.168.0.134:80 -r 10.0.1.6:8080\n"
                             "-D -u 192.168.0.53:53\n"
                             "# the service of the next line was never defined\n"
                             "-a -t 10.0.0.99:80 -r 10.0.1.1 -m\n"
                             "-A -t 10.0.0.2:80 -s rr\n");
    EXPECT_TRUE(failure.failed_in_kernel);
    EXPECT_EQ(failure.line, 8U);
    EXPECT_EQ(failure.what, "line 8: Service not defined");
    EXPECT_EQ(failure.rollback_error, "");
    EXPECT_EQ(describe(api), before); // creation order, timeouts and all
    // Line 9 was never sent.
    for (const auto& request : api.executed) {
        if (request.service) {
            EXPECT_NE(request.service->key.address, Address::ipv4(10, 0, 0, 2));
        }
    }
}

TEST(Restore, LocalAddressLinesAreReplayed) {
    ModelApi api;
    restore(api, "-A -t 10.0.0.1:80 -s rr\n"
                 "-P -t 10.0.0.1:80 -z 10.0.9.3\n"
                 "--add-laddr --tcp-service 10.0.0.1:80 --laddr 10.0.9.1\n"
                 "-P -t 10.0.0.1:80 -z 10.0.9.2\n"
                 "-Q -t 10.0.0.1:80 -z 10.0.9.3\n"
                 "-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -b -w 2\n");
    EXPECT_EQ(save(api), "-A -t 10.0.0.1:80 -s rr\n"
                         "-P -t 10.0.0.1:80 -z 10.0.9.1\n"
                         "-P -t 10.0.0.1:80 -z 10.0.9.2\n"
                         "-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -b -w 2\n");
    ASSERT_EQ(api.executed.size(), 6U);
    EXPECT_EQ(api.executed[1],
              (Request{FNAT_CMD_NEW_LADDR,
                       false,
                       ServiceSpec{
                           ServiceKey{IPPROTO_TCP, Address::ipv4(10, 0, 0, 1), 80}, {}, {}, {}, {}},
                       {},
                       {},
                       Address::ipv4(10, 0, 9, 3)}));
    EXPECT_EQ(api.executed[4].command, FNAT_CMD_DEL_LADDR);
}

TEST(Restore, LocalAddressErrorsRollBack) {
    const std::vector<std::pair<std::string, std::string>> cases{
        // Already there (the snapshot's), then again after a change.
        {"-Q -t 192.168.0.134:80 -z 10.0.9.2\n"
         "-P -t 192.168.0.240:80 -z 10.0.9.9\n"
         "-P -t 192.168.0.240:80 -z 10.0.9.9\n",
         "line 3: Local address already exists"},
        {"-C\n-P -t 192.168.0.134:80 -z 10.0.9.2\n", "line 2: Service not defined"},
        {"-P -t 192.168.0.240:80 -z 10.0.9.9\n-Q -t 192.168.0.240:80 -z 10.0.9.8\n",
         "line 2: No such local address"},
        {"-D -t 192.168.0.240:80\n-Q -t 192.168.0.240:80 -z 10.0.9.9\n",
         "line 2: Service not defined"},
        // After a flush the rollback must re-create the local addresses
        // before the FULLNAT destination that needs one.
        {"-C\n-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1 -b\n",
         "line 3: Invalid operation (possibly a wrong fnat module version)"},
    };
    for (const auto& [input, message] : cases) {
        ModelApi api = rich_model();
        const std::string before = describe(api);
        ASSERT_NE(before.find("  laddr 10.0.9.2\n  laddr 10.0.9.1\n"), std::string::npos);
        const Failure failure = restore_failure(api, input);
        EXPECT_TRUE(failure.failed_in_kernel) << input;
        EXPECT_EQ(failure.what, message) << input;
        EXPECT_EQ(failure.rollback_error, "") << input;
        EXPECT_EQ(describe(api), before) << input; // local addresses in their order
    }
}

TEST(Restore, DuplicateServiceAfterAFlushRollsBack) {
    ModelApi api = rich_model();
    const std::string before = describe(api);
    const Failure failure = restore_failure(api, "-C\n"
                                                 "-A -t 10.0.0.1:80 -s rr\n"
                                                 "-A -t 10.0.0.1:80 -s wrr\n");
    EXPECT_EQ(failure.what, "line 3: Service already exists");
    EXPECT_EQ(describe(api), before);
}

TEST(Restore, SavedLinesOnTheSameTableFailWithoutChangingIt) {
    // As ipvsadm -R: the lines are added to the table, not replacing it.
    ModelApi api = rich_model();
    const std::string before = describe(api);
    const Failure failure = restore_failure(api, save(api));
    EXPECT_EQ(failure.what, "line 1: Service already exists");
    // Nothing had changed, so there was nothing to roll back: no flush.
    ASSERT_EQ(api.executed.size(), 1U);
    EXPECT_EQ(api.executed[0].command, FNAT_CMD_NEW_SERVICE);
    EXPECT_EQ(describe(api), before);
}

TEST(Restore, UnknownSchedulerRollsBack) {
    ModelApi api = rich_model();
    const std::string before = describe(api);
    const Failure failure = restore_failure(api, "-A -t 10.0.0.1:80 -s rr\n"
                                                 "-E -t 10.0.0.1:80 -s nope\n");
    EXPECT_EQ(failure.what, "line 2: Scheduler not found");
    EXPECT_EQ(describe(api), before);
}

TEST(Restore, RollbackKeepsTheSchedFlags) {
    ModelApi api = sched_flags_model();
    const std::string before = describe(api);
    const Failure failure = restore_failure(api, "-C\n"
                                                 "-A -t 10.0.0.1:80 -s nope\n");
    EXPECT_EQ(failure.what, "line 2: Scheduler not found");
    EXPECT_EQ(describe(api), before);
}

// SYN proxy services over NAT, FULLNAT (with its local address) and
// FULLNAT 6->4 real servers, and a service without the proxy over DR.
ModelApi synproxy_model() {
    ModelApi api;
    auto add = [&](ServiceKey key, Service service, std::vector<Dest> dests,
                   std::vector<LocalAddress> laddrs) {
        service.key = key;
        api.entries.push_back(ServiceEntry{service, std::move(dests), std::move(laddrs)});
        api.entries.back().service.num_dests =
            static_cast<std::uint32_t>(api.entries.back().dests.size());
    };
    auto proxied = [](Service service) {
        service.flags |= FNAT_SVC_F_SYNPROXY;
        return service;
    };
    const auto rip = [](std::uint8_t last) { return Address::ipv4(10, 0, 1, last); };
    const ServiceKey v6{IPPROTO_TCP, parse_address("2001:db8::1"), 80};
    add(v6, proxied(test::make_service(v6, "rr", 0, 128)),
        {make_dest(rip(4), 80, ForwardMethod::FullNat, 1)},
        {LocalAddress{Address::ipv4(10, 0, 9, 2), 0, 0, 0}});
    const ServiceKey nat{IPPROTO_TCP, Address::ipv4(192, 168, 0, 10), 80};
    add(nat, proxied(test::make_service(nat, "rr")),
        {make_dest(rip(1), 8080, ForwardMethod::Masquerade, 1),
         make_dest(rip(2), 8080, ForwardMethod::Masquerade, 2)},
        {});
    const ServiceKey fullnat{IPPROTO_TCP, Address::ipv4(192, 168, 0, 11), 443};
    add(fullnat, proxied(test::make_service(fullnat, "wlc", 60)),
        {make_dest(rip(3), 443, ForwardMethod::FullNat, 1)},
        {LocalAddress{Address::ipv4(10, 0, 9, 1), 0, 0, 0}});
    const ServiceKey dr{IPPROTO_TCP, Address::ipv4(192, 168, 0, 12), 80};
    add(dr, test::make_service(dr, "rr"), {make_dest(rip(5), 80, ForwardMethod::DirectRoute, 1)},
        {});
    return api;
}

TEST(Restore, SynproxyRoundTrips) {
    ModelApi original = synproxy_model();
    const std::string saved = save(original);
    EXPECT_EQ(saved, "-A -t 192.168.0.10:80 -s rr -j\n"
                     "-a -t 192.168.0.10:80 -r 10.0.1.1:8080 -m -w 1\n"
                     "-a -t 192.168.0.10:80 -r 10.0.1.2:8080 -m -w 2\n"
                     "-A -t 192.168.0.11:443 -s wlc -p 60 -j\n"
                     "-P -t 192.168.0.11:443 -z 10.0.9.1\n"
                     "-a -t 192.168.0.11:443 -r 10.0.1.3:443 -b -w 1\n"
                     "-A -t 192.168.0.12:80 -s rr\n"
                     "-a -t 192.168.0.12:80 -r 10.0.1.5:80 -g -w 1\n"
                     "-A -t [2001:db8::1]:80 -s rr -j\n"
                     "-P -t [2001:db8::1]:80 -z 10.0.9.2\n"
                     "-a -t [2001:db8::1]:80 -r 10.0.1.4:80 -b -w 1\n");
    ModelApi restored;
    restore(restored, saved);
    EXPECT_EQ(save(restored), saved);
    EXPECT_EQ(describe(restored), describe_sorted(original));
    ASSERT_NE(describe(restored).find("service 6 192.168.0.11:443 wlc flags=" +
                                      std::to_string(FNAT_SVC_F_PERSISTENT | FNAT_SVC_F_SYNPROXY) +
                                      " timeout=60"),
              std::string::npos)
        << describe(restored);
}

TEST(Restore, SynproxyIsEnabledAndDisabledAsAlibabasIpvsadmSpellsIt) {
    ModelApi api;
    restore(api, "-A -t 10.0.0.1:80 -s rr -j enable\n"
                 "-A -t 10.0.0.2:80 -s rr --synproxy\n"
                 "-A -t 10.0.0.3:80 -s rr -j\n"
                 "-A -t 10.0.0.4:80 -s rr -j\n"
                 "-E -t 10.0.0.2:80 -s wrr -j disable\n"
                 "-E -t 10.0.0.3:80 -s rr\n" // the whole flags word: the proxy goes off
                 "-E -t 10.0.0.4:80 -s rr -p 30 --synproxy=enable\n");
    EXPECT_EQ(save(api), "-A -t 10.0.0.1:80 -s rr -j\n"
                         "-A -t 10.0.0.2:80 -s wrr\n"
                         "-A -t 10.0.0.3:80 -s rr\n"
                         "-A -t 10.0.0.4:80 -s rr -p 30 -j\n");
}

TEST(Restore, BadSynproxyValueChangesNothing) {
    ModelApi api = synproxy_model();
    const std::string before = describe(api);
    const Failure failure = restore_failure(api, "-C\n-A -t 10.0.0.1:80 -s rr -j on\n");
    EXPECT_FALSE(failure.failed_in_kernel);
    EXPECT_EQ(failure.what,
              "line 2: illegal synproxy parameter specified (-j 'on': must be enable or disable)");
    EXPECT_TRUE(api.executed.empty());
    EXPECT_EQ(describe(api), before);
}

// The module's refusals come with its words, and the rollback re-creates
// the proxied services, flag, local addresses and real servers.
TEST(Restore, SynproxyRefusalsRollBack) {
    const std::string over_direct =
        "SYN proxy needs NAT or FULLNAT destinations: direct routing and tunnelled servers "
        "answer clients past the director";
    const std::vector<std::pair<std::string, std::string>> cases{
        // -a without a method is direct routing.
        {"-C\n-A -t 10.0.0.1:80 -s rr -j\n-a -t 10.0.0.1:80 -r 10.0.1.1\n",
         "line 3: A SYN proxy service forwards by NAT or FULLNAT only"},
        {"-a -t 192.168.0.10:80 -r 10.0.1.9 -i\n",
         "line 1: A SYN proxy service forwards by NAT or FULLNAT only"},
        {"-e -t 192.168.0.10:80 -r 10.0.1.1:8080 -m -w 5\n"
         "-e -t 192.168.0.11:443 -r 10.0.1.3:443 -g\n",
         "line 2: A SYN proxy service forwards by NAT or FULLNAT only"},
        {"-E -t 192.168.0.12:80 -s rr -j\n", "line 1: " + over_direct},
        {"-A -u 10.0.0.1:53 -s rr -j\n", "line 1: SYN proxy is for TCP services"},
    };
    for (const auto& [input, message] : cases) {
        ModelApi api = synproxy_model();
        const std::string before = describe(api);
        const Failure failure = restore_failure(api, input);
        EXPECT_TRUE(failure.failed_in_kernel) << input;
        EXPECT_EQ(failure.what, message) << input;
        EXPECT_EQ(failure.rollback_error, "") << input;
        EXPECT_EQ(describe(api), before) << input;
    }
}

TEST(Restore, FailedRollbackIsReported) {
    ModelApi api = rich_model();
    api.fail_when = [](const Request& request) {
        return request.command == FNAT_CMD_NEW_DEST && request.dest &&
               request.dest->key.address == Address::ipv4(10, 0, 1, 7);
    };
    const Failure failure = restore_failure(api, "-C\n"
                                                 "-A -t 10.0.0.1:80 -s rr\n"
                                                 "-a -t 10.0.0.1:80 -r 10.0.1.7 -m\n");
    EXPECT_EQ(failure.what, "line 3: Memory allocation problem");
    EXPECT_EQ(failure.rollback_error, "Memory allocation problem");
}

TEST(Restore, SnapshotIsTakenBeforeTheFirstRequest) {
    ModelApi api = rich_model();
    const Snapshot snapshot = take_snapshot(api);
    EXPECT_EQ(snapshot.timeouts, (Timeouts{30, 20, 60}));
    ASSERT_EQ(snapshot.services.size(), 4U);
    EXPECT_EQ(snapshot.services[0].service.key.address, Address::ipv4(192, 168, 0, 240));
    EXPECT_EQ(snapshot.services[1].dests.size(), 3U);
    ASSERT_EQ(snapshot.services[1].laddrs.size(), 2U);
    EXPECT_EQ(snapshot.services[1].laddrs[0], (LocalAddress{Address::ipv4(10, 0, 9, 2), 5, 6, 7}));
    EXPECT_TRUE(snapshot.services[0].laddrs.empty());

    ModelApi other;
    restore_snapshot(other, snapshot);
    EXPECT_EQ(describe(other), describe(api));
    EXPECT_EQ(other.executed.front().command, FNAT_CMD_FLUSH);
    EXPECT_EQ(other.executed.back().command, FNAT_CMD_SET_TIMEOUT);
    // The second service: -A, its local addresses in order, then its dests.
    std::vector<std::uint8_t> commands;
    for (const auto& request : other.executed)
        if (request.service && request.service->key == snapshot.services[1].service.key)
            commands.push_back(request.command);
    EXPECT_EQ(commands, (std::vector<std::uint8_t>{FNAT_CMD_NEW_SERVICE, FNAT_CMD_NEW_LADDR,
                                                   FNAT_CMD_NEW_LADDR, FNAT_CMD_NEW_DEST,
                                                   FNAT_CMD_NEW_DEST, FNAT_CMD_NEW_DEST}));
    EXPECT_EQ(other.executed[5].laddr, Address::ipv4(10, 0, 9, 2));
}

// The rollback re-creates the 6->4 dest after the IPv4 local address it
// needs; the module's family errors read as ipvsadm's.
TEST(Restore, MixedFamiliesRollBack) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"-C\n"
         "-A -t [2001:db8::2]:80 -s rr\n"
         "-P -t [2001:db8::2]:80 -z 10.0.9.2\n"
         "-a -t [2001:db8::2]:80 -r 10.0.0.6:80 -m\n",
         "line 4: Operation not supported with specified address family"},
        {"-A -t 10.0.0.2:80 -s rr\n"
         "-P -t 10.0.0.2:80 -z 2001:db8::9\n",
         "line 2: Operation not supported with specified address family"},
        {"-A -t 10.0.0.2:80 -s rr\n"
         "-a -t 10.0.0.2:80 -r [2001:db8::9]:80 -b\n",
         "line 2: Operation not supported with specified address family"},
        // A 6->4 dest without an IPv4 local address.
        {"-C\n"
         "-A -t [2001:db8::2]:80 -s rr\n"
         "-P -t [2001:db8::2]:80 -z 2001:db8::100\n"
         "-a -t [2001:db8::2]:80 -r 10.0.0.6:80 -b\n",
         "line 4: Invalid operation (possibly a wrong fnat module version)"},
    };
    for (const auto& [input, message] : cases) {
        ModelApi api = mixed_model();
        const std::string before = describe(api);
        const Failure failure = restore_failure(api, input);
        EXPECT_TRUE(failure.failed_in_kernel) << input;
        EXPECT_EQ(failure.what, message) << input;
        EXPECT_EQ(failure.rollback_error, "") << input;
        EXPECT_EQ(describe(api), before) << input;
    }
}

} // namespace
} // namespace fnat
