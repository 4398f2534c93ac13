#include "fuzz/netlink_runner.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <net/if.h>
#include <optional>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <uapi/fnat.h>

#include "fuzz/netlink_generator.h"
#include "fuzz/netlink_model.h"
#include "fuzz/netlink_oracle.h"
#include "fuzz/netlink_readers.h"
#include "fuzz/netlink_replies.h"
#include "fuzz/netlink_transport.h"

namespace fnat::fuzz {

namespace {

// The netns the fuzzer runs in, asked as the kernel would.
class SystemEnvironment : public Environment {
public:
    SystemEnvironment() {
        utsname u{};
        unsigned major = 0;
        unsigned minor = 0;
        if (uname(&u) == 0 && std::sscanf(u.release, "%u.%u", &major, &minor) == 2)
            split_ops_ = major > 6 || (major == 6 && minor >= 2);
    }

    std::optional<unsigned> interface_mtu(const std::string& name) const override {
        // dev_get_by_name() matches exactly; the ioctl would drop an
        // alias's ":N" (no device name has a colon).
        if (name.empty() || name.size() >= IFNAMSIZ || name.find(':') != std::string::npos)
            return std::nullopt;
        const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return std::nullopt;
        ifreq request{};
        std::memcpy(request.ifr_name, name.data(), name.size());
        const int rc = ioctl(fd, SIOCGIFMTU, &request);
        close(fd);
        if (rc < 0)
            return std::nullopt;
        return static_cast<unsigned>(request.ifr_mtu);
    }

    bool split_ops() const override { return split_ops_; }

    // The documentation ranges the generator's local addresses come from
    // are unicast where the fuzzer runs; anything else may be a broadcast
    // address of the netns.
    std::optional<bool> ipv4_unicast(const std::uint8_t* a) const override {
        if ((a[0] == 192 && a[1] == 0 && a[2] == 2) || (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
            (a[0] == 203 && a[1] == 0 && a[2] == 113))
            return true;
        return std::nullopt;
    }

private:
    bool split_ops_ = false;
};

using Clock = std::chrono::steady_clock;

struct Stats {
    std::uint64_t sent = 0;
    std::uint64_t accepted = 0;
    std::map<int, std::uint64_t> refused; // by errno
    std::uint64_t faulty = 0;
    std::uint64_t faulty_accepted = 0;
    std::uint64_t mutants = 0;
    std::uint64_t mutants_accepted = 0;
    std::uint64_t writes_accepted = 0;
    std::uint64_t ambiguous = 0; // requests with more than one possible outcome
    std::uint64_t checks = 0;
    std::uint64_t resyncs = 0;
    std::uint64_t mismatches = 0;
    std::size_t most_services = 0;
    std::size_t most_dests = 0;
    std::size_t most_laddrs = 0;
};

std::string outcome_text(int error, const std::string& extack) {
    std::string text = errno_name(error);
    if (!extack.empty())
        text += " '" + extack + "'";
    return text;
}

class Fuzzer {
public:
    explicit Fuzzer(const RunOptions& options) : options_(options) {}

    int run();

private:
    void one(std::uint64_t n);
    void mismatch(std::uint64_t n, const Generated& g, const std::string& what);
    void compare(const std::string& when);
    void resync();
    void note_size();
    void reset();
    void print_summary(bool stopped_by_time, double seconds);

    const RunOptions& options_;
    SystemEnvironment env_;
    std::unique_ptr<Transport> transport_;
    std::unique_ptr<Generator> generator_;
    std::uint16_t family_ = 0;
    Config model_;
    Config initial_;
    Stats stats_;
    std::unique_ptr<Readers> readers_;
};

// Back to what a new netns has: no services, no sync daemons, the default
// timeouts. Each request must be accepted (ESRCH for a daemon not running).
void Fuzzer::reset() {
    auto send = [&](const Message& m, int tolerated) {
        const Exchange answer = transport_->exchange(encode_message(m, family_, 0));
        if (answer.error != 0 && answer.error != tolerated)
            throw std::runtime_error("--reset: " + command_name(m.command) + " refused: " +
                                     errno_name(answer.error) + " '" + answer.extack + "'");
    };
    Message m;
    m.flags = NLM_F_REQUEST | NLM_F_ACK;
    m.command = FNAT_CMD_FLUSH;
    send(m, 0);
    m.command = FNAT_CMD_DEL_DAEMON;
    for (const std::uint32_t state : {1U, 2U}) { // FNAT_SYNC_STATE_MASTER, _BACKUP
        m.attrs = {attr_nest(FNAT_A_DAEMON, {attr_u32(FNAT_DAEMON_A_STATE, state)})};
        send(m, ESRCH);
    }
    m.command = FNAT_CMD_SET_TIMEOUT;
    m.attrs = {
        attr_nest(FNAT_A_TIMEOUT, {attr_u32(FNAT_TIMEOUT_A_TCP, FNAT_TIMEOUT_TCP_DEFAULT),
                                   attr_u32(FNAT_TIMEOUT_A_TCP_FIN, FNAT_TIMEOUT_TCP_FIN_DEFAULT),
                                   attr_u32(FNAT_TIMEOUT_A_UDP, FNAT_TIMEOUT_UDP_DEFAULT)})};
    send(m, 0);
}

void Fuzzer::note_size() {
    stats_.most_services = std::max(stats_.most_services, model_.services.size());
    stats_.most_dests = std::max(stats_.most_dests, model_.dest_count());
    stats_.most_laddrs = std::max(stats_.most_laddrs, model_.laddr_count());
}

void Fuzzer::mismatch(std::uint64_t n, const Generated& g, const std::string& what) {
    ++stats_.mismatches;
    std::printf("MISMATCH at request %llu (seed %llu): %s\n", static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(options_.seed), what.c_str());
    std::printf("  request: %s\n", g.recipe.c_str());
    // The first 512 bytes: enough to see a request, short enough for a console.
    const std::size_t shown = std::min<std::size_t>(g.bytes.size(), 512);
    std::printf("  bytes (%zu): %s%s\n", g.bytes.size(),
                hex(Bytes(g.bytes.begin(), g.bytes.begin() + static_cast<long>(shown))).c_str(),
                shown < g.bytes.size() ? " ..." : "");
    std::printf("  model before: %s\n", summary(model_).c_str());
    std::fflush(stdout);
}

void Fuzzer::resync() {
    if (options_.dry_run)
        return;
    model_ = snapshot(*transport_, family_);
    ++stats_.resyncs;
}

void Fuzzer::compare(const std::string& when) {
    if (options_.dry_run)
        return;
    ++stats_.checks;
    const Config kernel = snapshot(*transport_, family_);
    const std::string diff = first_difference(model_, kernel);
    if (diff.empty())
        return;
    ++stats_.mismatches;
    std::printf("MISMATCH %s (seed %llu): the configuration differs from the model: %s\n",
                when.c_str(), static_cast<unsigned long long>(options_.seed), diff.c_str());
    std::printf("  model: %s; kernel: %s\n", summary(model_).c_str(), summary(kernel).c_str());
    std::fflush(stdout);
    model_ = kernel;
    ++stats_.resyncs;
}

void Fuzzer::one(std::uint64_t n) {
    Generated g = generator_->next(model_, family_);
    const Prediction prediction = predict(g.bytes, model_, !options_.unprivileged, env_);
    ++stats_.sent;
    stats_.faulty += g.faulty ? 1U : 0U;
    stats_.mutants += g.mutant ? 1U : 0U;
    stats_.ambiguous += prediction.outcomes.size() > 1 ? 1U : 0U;

    Exchange answer;
    if (options_.dry_run) {
        answer.error = prediction.outcomes.front().error;
        answer.extack = prediction.outcomes.front().extack;
    } else {
        answer = transport_->exchange(g.bytes);
    }
    if (options_.verbose)
        std::printf("%llu: %s -> %s\n", static_cast<unsigned long long>(n), g.recipe.c_str(),
                    outcome_text(answer.error, answer.extack).c_str());

    if (answer.error == 0) {
        ++stats_.accepted;
        stats_.faulty_accepted += g.faulty ? 1U : 0U;
        stats_.mutants_accepted += g.mutant ? 1U : 0U;
        stats_.writes_accepted += prediction.write ? 1U : 0U;
    } else {
        ++stats_.refused[answer.error];
    }

    std::string problem;
    const Outcome* match = nullptr;
    for (const Outcome& o : prediction.outcomes)
        if (o.error == answer.error)
            match = &o;
    if (answer.positive_code) {
        problem = "the kernel sent a positive error code";
    } else if (match == nullptr) {
        std::string want;
        for (const Outcome& o : prediction.outcomes)
            want += (want.empty() ? "" : " or ") + outcome_text(o.error, o.extack);
        problem = "the kernel answered " + outcome_text(answer.error, answer.extack) +
                  ", expected " + want;
    } else if (match->extack != answer.extack) {
        problem = "the kernel answered " + outcome_text(answer.error, answer.extack) +
                  ", expected the message '" + match->extack + "'";
    } else if (answer.error == 0 && answer.interrupted) {
        problem = "a dump was interrupted (NLM_F_DUMP_INTR) with nobody else writing";
    } else if (answer.error == 0 && !options_.dry_run) {
        problem = check_reply(*match, match->after_or(model_), family_, answer.data);
    } else if (answer.error != 0 && !answer.data.empty()) {
        problem = "a refused request was answered with data messages too";
    }
    if (!problem.empty()) {
        mismatch(n, g, problem);
        resync();
        return;
    }
    if (match->after)
        model_ = *match->after;
    note_size();
}

void Fuzzer::print_summary(bool stopped_by_time, double seconds) {
    std::string refused;
    std::uint64_t total_refused = 0;
    for (const auto& [error, count] : stats_.refused) {
        refused += (refused.empty() ? "" : ", ") + errno_name(error) + " " + std::to_string(count);
        total_refused += count;
    }
    std::printf("netlink fuzz: %llu sent, %llu accepted, %llu refused (%s), "
                "%llu of %llu mutants accepted, %llu resynced, %llu mismatches, seed %llu%s\n",
                static_cast<unsigned long long>(stats_.sent),
                static_cast<unsigned long long>(stats_.accepted),
                static_cast<unsigned long long>(total_refused), refused.c_str(),
                static_cast<unsigned long long>(stats_.mutants_accepted),
                static_cast<unsigned long long>(stats_.mutants),
                static_cast<unsigned long long>(stats_.resyncs),
                static_cast<unsigned long long>(stats_.mismatches),
                static_cast<unsigned long long>(options_.seed),
                stopped_by_time ? " (stopped by the time limit)" : "");
    std::printf("netlink fuzz: %s, %llu writes accepted, %llu of %llu faulty requests accepted, "
                "%llu with more than one possible answer, %llu full comparisons, at most %zu "
                "services, %zu dests, %zu local addresses; now %s; %.1f s, %.0f requests/s\n",
                options_.unprivileged ? "unprivileged" : "privileged",
                static_cast<unsigned long long>(stats_.writes_accepted),
                static_cast<unsigned long long>(stats_.faulty_accepted),
                static_cast<unsigned long long>(stats_.faulty),
                static_cast<unsigned long long>(stats_.ambiguous),
                static_cast<unsigned long long>(stats_.checks), stats_.most_services,
                stats_.most_dests, stats_.most_laddrs, summary(model_).c_str(), seconds,
                seconds > 0 ? static_cast<double>(stats_.sent) / seconds : 0.0);
    if (readers_)
        std::printf("netlink fuzz: %u readers meanwhile: %llu reads, %llu dumps interrupted "
                    "(NLM_F_DUMP_INTR)\n",
                    options_.readers, static_cast<unsigned long long>(readers_->reads()),
                    static_cast<unsigned long long>(readers_->interrupted()));
    std::fflush(stdout);
}

int Fuzzer::run() {
    GeneratorOptions gen;
    gen.daemons = options_.daemons;
    generator_ = std::make_unique<Generator>(options_.seed, gen);
    if (!options_.dry_run) {
        transport_ = std::make_unique<Transport>();
        family_ = transport_->resolve_fnat();
        if (options_.reset)
            reset();
        model_ = snapshot(*transport_, family_);
        if (options_.readers != 0)
            readers_ = std::make_unique<Readers>(options_.readers, options_.seed);
    } else {
        family_ = 0x20;
    }
    initial_ = model_;
    note_size();

    const auto start = Clock::now();
    bool stopped_by_time = false;
    for (std::uint64_t n = 1; n <= options_.count; ++n) {
        if (options_.time_limit > 0 &&
            std::chrono::duration<double>(Clock::now() - start).count() > options_.time_limit) {
            stopped_by_time = true;
            break;
        }
        one(n);
        if (readers_ && !readers_->failure().empty())
            break;
        if (stats_.mismatches >= options_.max_mismatches)
            break;
        if (options_.check_every != 0 && n % options_.check_every == 0) {
            compare("after request " + std::to_string(n));
            if (stats_.mismatches >= options_.max_mismatches)
                break;
        }
        if (n % 20000 == 0 && n != options_.count) {
            std::printf("netlink fuzz: %llu sent, %s\n", static_cast<unsigned long long>(n),
                        summary(model_).c_str());
            std::fflush(stdout);
        }
    }
    if (readers_) {
        readers_->stop();
        if (const std::string failure = readers_->failure(); !failure.empty()) {
            ++stats_.mismatches;
            std::printf("MISMATCH (seed %llu): %s\n",
                        static_cast<unsigned long long>(options_.seed), failure.c_str());
        }
    }
    if (stats_.mismatches < options_.max_mismatches)
        compare("at the end");
    if (options_.unprivileged && stats_.mismatches == 0 && !options_.dry_run) {
        const std::string diff = first_difference(initial_, snapshot(*transport_, family_));
        if (!diff.empty()) {
            ++stats_.mismatches;
            std::printf("MISMATCH: unprivileged requests changed the configuration: %s\n",
                        diff.c_str());
        }
        if (stats_.writes_accepted != 0) {
            ++stats_.mismatches;
            std::printf("MISMATCH: %llu writes were accepted from an unprivileged sender\n",
                        static_cast<unsigned long long>(stats_.writes_accepted));
        }
    }
    print_summary(stopped_by_time, std::chrono::duration<double>(Clock::now() - start).count());
    return stats_.mismatches == 0 ? 0 : 1;
}

} // namespace

int run_fuzzer(const RunOptions& options) {
    try {
        Fuzzer fuzzer(options);
        return fuzzer.run();
    } catch (const std::exception& error) {
        std::printf("netlink fuzz: FAILED: %s (seed %llu)\n", error.what(),
                    static_cast<unsigned long long>(options.seed));
        std::fflush(stdout);
        return 1;
    }
}

} // namespace fnat::fuzz
