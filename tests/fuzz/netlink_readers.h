// Readers racing the fuzzer: threads with sockets of their own that send
// GET requests and dumps without pause while the fuzzer changes the
// configuration, so that dumps walk lists being changed under RCU. Their
// answers cannot be checked against the model (it moves under them), only
// for form: an accepted read or ESRCH for a service that is not there, and
// every reply message decodes with all its attributes. A dump the module
// flags NLM_F_DUMP_INTR is counted, not failed.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fnat::fuzz {

class Readers {
public:
    // Starts n threads (none for 0), seeded from seed.
    Readers(unsigned n, std::uint64_t seed);
    ~Readers();
    Readers(const Readers&) = delete;
    Readers& operator=(const Readers&) = delete;

    // Stops and joins the threads.
    void stop();

    std::uint64_t reads() const { return reads_.load(); }
    std::uint64_t interrupted() const { return interrupted_.load(); }
    // The first thing a reader found wrong; "" when nothing was.
    std::string failure() const;

private:
    void run(std::uint64_t seed);
    void fail(const std::string& what);

    std::vector<std::thread> threads_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> reads_{0};
    std::atomic<std::uint64_t> interrupted_{0};
    mutable std::mutex mutex_;
    std::string failure_;
};

} // namespace fnat::fuzz
