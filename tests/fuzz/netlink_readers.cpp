#include "fuzz/netlink_readers.h"

#include <cerrno>
#include <exception>

#include <uapi/fnat.h>

#include "fuzz/netlink_generator.h"
#include "fuzz/netlink_oracle.h"
#include "fuzz/netlink_replies.h"
#include "fuzz/netlink_transport.h"

namespace fnat::fuzz {

namespace {

// Readers need no interface or route: their requests are all reads.
class NoEnvironment : public Environment {
public:
    std::optional<unsigned> interface_mtu(const std::string&) const override {
        return std::nullopt;
    }
    std::optional<bool> ipv4_unicast(const std::uint8_t*) const override { return std::nullopt; }
};

// Decodes one reply message of a read by its command; throws when it is
// malformed.
void decode(const Bytes& message) {
    if (message.size() < kNlmsgHdrLen + kGenlHdrLen)
        throw std::runtime_error("reply message shorter than its headers");
    switch (message[kNlmsgHdrLen]) {
    case FNAT_CMD_GET_SERVICE:
        decode_service_message(message);
        break;
    case FNAT_CMD_GET_DEST:
        decode_dest_message(message);
        break;
    case FNAT_CMD_GET_LADDR:
        decode_laddr_message(message);
        break;
    case FNAT_CMD_GET_TIMEOUT:
        decode_timeouts_message(message);
        break;
    case FNAT_CMD_GET_DAEMON:
        decode_daemon_message(message);
        break;
    case FNAT_CMD_GET_INFO:
        break;
    default:
        throw std::runtime_error("a reply of command " + std::to_string(message[kNlmsgHdrLen]) +
                                 " to a read");
    }
}

} // namespace

Readers::Readers(unsigned n, std::uint64_t seed) {
    for (unsigned i = 0; i < n; ++i)
        threads_.emplace_back([this, seed, i] { run(seed * 1000003 + i + 1); });
}

Readers::~Readers() {
    stop();
}

void Readers::stop() {
    stop_ = true;
    for (std::thread& t : threads_)
        if (t.joinable())
            t.join();
}

std::string Readers::failure() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failure_;
}

void Readers::fail(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failure_.empty())
        failure_ = what;
    stop_ = true;
}

void Readers::run(std::uint64_t seed) {
    try {
        Transport transport;
        const std::uint16_t family = transport.resolve_fnat();
        Generator generator(seed, {});
        const Config empty;
        const NoEnvironment env;
        while (!stop_) {
            const Generated r = generator.next_read(empty, family);
            // Against an empty configuration: what a key's lookup finds is
            // the only thing the fuzzer's changes may turn.
            const Prediction p = predict(r.bytes, empty, true, env);
            const Outcome& want = p.outcomes.front();
            const Exchange answer = transport.exchange(r.bytes);
            ++reads_;
            interrupted_ += answer.interrupted ? 1U : 0U;
            const bool ok =
                answer.error == want.error || (want.error == ESRCH && answer.error == 0);
            if (!ok || (answer.error != 0 && answer.extack != want.extack)) {
                fail("reader: " + r.recipe + ": the kernel answered " + errno_name(answer.error) +
                     " '" + answer.extack + "', expected " + errno_name(want.error) + " '" +
                     want.extack + "'");
                return;
            }
            if (answer.error == 0 && p.command == FNAT_CMD_GET_CONN && !answer.data.empty()) {
                fail("reader: GET_CONN listed connections without traffic");
                return;
            }
            for (const Bytes& m : answer.data)
                decode(m);
        }
    } catch (const std::exception& error) {
        fail(std::string("reader: ") + error.what());
    }
}

} // namespace fnat::fuzz
