// fnat-bench-server's workers. Each of --threads threads serves TCP on its
// own SO_REUSEPORT listening socket with its own epoll loop, and each of
// another --threads threads drains its own SO_REUSEPORT UDP socket, so the
// kernel spreads connections and flows over them without a shared lock.
//
// A TCP connection gets --response bytes once --request bytes arrived, and
// then the server closes first (like HTTP/1.0): TIME_WAIT stays here, not on
// the load generator, which would run out of source ports. A connection that
// ends early, or stays silent for 30 s, is closed without being counted.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "bench/result_line.h"
#include "bench/server_options.h"

namespace fnat::bench {

class TcpWorker;
class UdpWorker;

class BenchServer {
public:
    // Opens and binds every socket, so that a port in use fails here and not
    // in a thread. Throws SystemError.
    explicit BenchServer(const ServerOptions& options);
    ~BenchServer();
    BenchServer(const BenchServer&) = delete;
    BenchServer& operator=(const BenchServer&) = delete;

    void start();
    // Tells the workers to stop (each notices within 200 ms) and joins them.
    void stop();
    // Totals so far; safe while the workers run.
    ServerTotals totals() const;

private:
    std::atomic<bool> stop_{false};
    std::vector<std::unique_ptr<TcpWorker>> tcp_;
    std::vector<std::unique_ptr<UdpWorker>> udp_;
    std::vector<std::thread> threads_;
};

} // namespace fnat::bench
