// `fnat-traffic flow`: one long-lived UDP flow from one socket (one client
// port), a datagram every --interval-ms for --seconds. Datagram N is an echo
// request (wire.h) with id N, key payload_key(seed, N) and --bytes of that
// key's payload, so `serve` answers it as any other; the echo is checked byte
// for byte. A balancer must keep the whole flow on one real server, also
// when its director fails over to another that learnt the flow by session
// sync: an answer from another server ends the flow, and so do more than
// --max-lost unanswered datagrams or --timeout-ms without any answer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/traffic/options.h"

namespace fnat::traffic {

// The sequence accounting of a flow: which datagrams were sent and when,
// which were answered and when. Times are microseconds since the flow
// started (the first datagram goes out at 0).
class FlowLedger {
public:
    enum class Answer {
        New,       // first answer to a datagram that was sent
        Duplicate, // that datagram was answered before
        Unknown,   // no datagram with that number was sent
    };

    // Datagram sent_count() goes out at at_us.
    void sent(std::uint64_t at_us);
    // An answer to datagram seq arrives at at_us.
    Answer answered(std::uint32_t seq, std::uint64_t at_us);

    std::uint32_t sent_count() const { return static_cast<std::uint32_t>(answered_.size()); }
    std::uint32_t received() const { return received_; }
    std::uint32_t lost() const { return sent_count() - received_; }
    bool all_answered() const { return received_ == sent_count(); }

    // When the last answer arrived (0 before any).
    std::uint64_t last_answer_us() const { return last_answer_us_; }

    // The longest stretch without an answer: between two answers, from the
    // start to the first one, or from the last one to end_us (the flow's
    // last datagram, say), whichever is longest.
    std::uint64_t longest_gap_us(std::uint64_t end_us) const;

    // The unanswered datagrams as ranges, "120-128, 300", at most max_ranges
    // of them (then ", ..."); "" when every one was answered.
    std::string lost_ranges(std::size_t max_ranges = 10) const;

    // The longest run of consecutive unanswered datagrams.
    std::uint32_t longest_loss_run() const;

private:
    std::vector<bool> answered_;
    std::uint32_t received_ = 0;
    std::uint64_t last_answer_us_ = 0;
    std::uint64_t longest_gap_us_ = 0; // between answers (and start to the first)
};

// The server and peer an answer names, against the flow's first answer.
class FlowServer {
public:
    // "" when the answer may go on the flow; otherwise why not ("datagram 17
    // answered by rs2, the flow's earlier answers by rs1").
    std::string check(std::uint32_t seq, const std::string& name, const std::string& peer);

    const std::string& name() const { return name_; }
    // The distinct client address:port the server saw, in order of appearance.
    const std::vector<std::string>& peers() const { return peers_; }

private:
    std::string name_;
    std::vector<std::string> peers_;
};

// Prints on stdout
//   flow from 10.0.1.2:40000 to 10.0.1.100:80: 500 datagrams of 100 bytes,
//     one every 20 ms                                              (one line)
//   flow answered: server rs1, seen as 10.0.1.2:40000
//   flow 1 s: sent 50 received 50
//   ...
//   flow lost: 120-122                          (only when some were lost)
//   flow ok: 10.000 s, sent 500 received 497 lost 3 (longest gap 180 ms),
//     server rs1, seen as 10.0.1.2:40000                           (one line)
// or, on stderr,
//   flow failed: KIND after 3.210 s (sent 160 received 150 lost 10, longest
//     gap 220 ms): DETAIL                                          (one line)
// with KIND one of mismatch, server-changed, bad-reply, lost, timeout, error.
// Returns the exit status: 0 ok, 1 failed.
int run_flow(const FlowOptions& options);

} // namespace fnat::traffic
