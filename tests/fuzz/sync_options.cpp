#include "fuzz/sync_options.h"

#include <sstream>

#include <CLI/CLI.hpp>

#include "lib/sync_key.h"

namespace fnat::fuzz::sync {
namespace {

using bench::UsageError;

const char* const kFooter = R"(
Sends --count UDP datagrams to the sync group --to (default 224.0.0.83:8849)
out of --iface (TTL 1), each one a sync backup must drop or whose records it
must refuse, and says how much each of the backup's counters must rise
(fnatadm -L --daemon): a model of the backup's checks (kmod/fnat_sync*.c)
predicts every datagram's fate. The backup is described by --syncid (default
0), --key FILE (its key, read as fnatadm --sync-key reads it; without it the
backup has none) and --own-sender (its sender id, hex, and its netns'
master's if it has one). --service PROTO:ADDR:PORT (tcp or udp) names a
service the backup has, for records about real servers it has not.

With --capture, the fuzzer first joins the group on --iface and keeps the
messages it hears ("capturing" once it listens) until a line arrives on
standard input; they are sent again later, whole (the backup must count them
as replays, or as stale once older than its limit), cut at every length, or
with bits flipped. --spoof ADDR sends some of the replays from ADDR (the
captured sender's address; IP_TRANSPARENT) instead of the host's own.

--kinds: kind names, comma-separated, or "all" (the default), drawn by
weight. --step N prints "ready" and waits for a line on standard input
before the first datagram, and pauses the same way after every N,
printing "step K: sent M", so that the caller can read the backup's
counters first and the backup (whose socket buffer is finite) keep up.

Output: "kind NAME: N" per kind, then "expect COUNTER N" for
messages_received, records_received, records_applied (always 0) and each
drop counter that must rise, then
  fuzz-sync: sent N datagrams (B bytes) in S s
Exit status: 0, 1 a failed run, 2 a wrong command line.)";

std::uint32_t parse_hex32(const std::string& option, const std::string& text) {
    if (text.empty() || text.size() > 8 ||
        text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        throw UsageError("invalid " + option + " '" + text + "': 1..8 hex digits");
    return static_cast<std::uint32_t>(std::stoul(text, nullptr, 16));
}

Service parse_service(const std::string& text) {
    auto colon = text.find(':');
    if (colon == std::string::npos)
        throw UsageError("invalid --service '" + text + "': PROTO:ADDR:PORT");
    std::string proto = text.substr(0, colon);
    Service s;
    if (proto == "tcp")
        s.protocol = 6;
    else if (proto == "udp")
        s.protocol = 17;
    else
        throw UsageError("invalid --service '" + text + "': tcp or udp");
    try {
        Endpoint e = parse_endpoint(text.substr(colon + 1));
        if (!e.port || *e.port == 0)
            throw UsageError("invalid --service '" + text + "': needs a port");
        s.address = e.address;
        s.port = *e.port;
    } catch (const ParseError& error) {
        throw UsageError("invalid --service '" + text + "': " + error.what());
    }
    return s;
}

} // namespace

SyncInvocation parse_sync_arguments(const std::vector<std::string>& args) {
    CLI::App app{"fnat-fuzz-sync: forged, truncated and replayed sync messages at a backup",
                 "fnat-fuzz-sync"};
    app.footer(kFooter);
    bool capture = false;
    std::vector<std::string> own;
    std::string key_file, service, spoof, kinds = "all";
    app.add_flag("--capture", capture, "first keep what the group carries, until a line on stdin");
    app.add_option("--own-sender", own, "the backup's sender id (hex); repeatable")
        ->option_text("HEX");
    app.add_option("--key", key_file, "the backup's key file")->option_text("FILE");
    app.add_option("--service", service, "a service the backup has")->option_text("P:ADDR:PORT");
    app.add_option("--spoof", spoof, "address some replays come from")->option_text("ADDR");
    app.add_option("--kinds", kinds, "kinds, comma-separated, or all")->option_text("LIST");
    bench::TextOption to(app, "--to", "the sync group (224.0.0.83:8849)", "GROUP:PORT");
    bench::TextOption iface(app, "--iface", "interface to the backup", "IF");
    bench::TextOption syncid(app, "--syncid", "the backup's syncid (default 0)", "N");
    bench::TextOption count(app, "--count", "datagrams to send (default 1000)", "N");
    bench::TextOption seed(app, "--seed", "generator seed (default 1)", "S");
    bench::TextOption step(app, "--step", "pause after every N datagrams", "N");
    bench::TextOption time_limit(app, "--time-limit", "seconds at most (default 600)", "SEC");
    if (auto help = bench::parse_with(app, args))
        return *help;

    SyncOptions o;
    if (to.given()) {
        try {
            Endpoint parsed = parse_endpoint(to.text());
            o.group = parsed.address;
            o.port = parsed.port.value_or(0);
        } catch (const ParseError& error) {
            throw UsageError("invalid --to '" + to.text() + "': " + error.what());
        }
        if (!o.group.is_ipv4() || o.group.bytes[0] < 224 || o.group.bytes[0] > 239 || !o.port)
            throw UsageError("invalid --to '" + to.text() + "': an IPv4 group and a port");
    }
    if (!iface.given())
        throw UsageError("needs --iface IF");
    o.iface = iface.text();
    syncid.set_number(o.backup.syncid, 0, 255);
    for (const std::string& text : own)
        o.backup.own.push_back(parse_hex32("--own-sender", text));
    if (!key_file.empty()) {
        std::istringstream no_stdin;
        try {
            std::string key = read_sync_key(key_file, no_stdin);
            o.backup.key = Bytes(key.begin(), key.end());
        } catch (const std::exception& error) {
            throw UsageError(error.what());
        }
    }
    if (!service.empty())
        o.service = parse_service(service);
    if (!spoof.empty()) {
        try {
            o.spoof = parse_address(spoof);
        } catch (const ParseError& error) {
            throw UsageError("invalid --spoof '" + spoof + "': " + error.what());
        }
        if (!o.spoof->is_ipv4())
            throw UsageError("invalid --spoof '" + spoof + "': IPv4");
    }
    std::size_t start = 0;
    while (start <= kinds.size()) {
        std::size_t comma = kinds.find(',', start);
        std::string name = kinds.substr(start, comma == std::string::npos ? comma : comma - start);
        start = comma == std::string::npos ? kinds.size() + 1 : comma + 1;
        bool found = false;
        for (const SyncKindInfo& info : sync_kinds()) {
            if (name != "all" && name != info.name)
                continue;
            o.kinds.push_back(info.kind);
            o.weights.push_back(name == "all" ? info.weight : 1);
            found = true;
        }
        if (!found)
            throw UsageError("unknown kind '" + name + "'");
    }
    count.set_number(o.count, 1, 100000000);
    seed.set_number(o.seed, 0, UINT64_MAX);
    step.set_number(o.step, 1, 100000000);
    time_limit.set_seconds(o.time_limit, 0.1, 86400);
    o.capture = capture;
    return o;
}

} // namespace fnat::fuzz::sync
