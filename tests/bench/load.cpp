#include "bench/load.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <exception>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench/reservoir.h"
#include "bench/socket.h"

namespace fnat::bench {
namespace {

constexpr int kEpollBatch = 256;
// How often timeouts and the end of the run are looked at when nothing
// happens; also the resolution of --timeout-ms.
constexpr int kTickMs = 10;
// The wait before a slot whose connect() failed on the spot tries again.
constexpr int kRetryMs = 1;
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::uint64_t kMergeSeed = 0x6265'6e63'686c'6f61ULL;

// What the threads share: the schedule, and the count of connections started.
struct Schedule {
    const LoadOptions& options;
    Clock::time_point start;
    Clock::time_point measure_from; // the warmup's end
    Clock::time_point start_until;  // no connection starts after this
    std::atomic<std::uint64_t> started{0};
};

class LoadWorker {
public:
    LoadWorker(Schedule& schedule, std::size_t sample_capacity, std::uint64_t seed)
        : schedule_(schedule), options_(schedule.options), reservoir_(sample_capacity, seed),
          slots_(options_.concurrency),
          request_(std::min<std::size_t>(options_.request_bytes, kChunk), 'q'), input_(kChunk),
          timeout_(std::chrono::milliseconds(options_.timeout_ms)) {
        epoll_ = Fd(::epoll_create1(EPOLL_CLOEXEC));
        if (!epoll_)
            throw SystemError("epoll_create1", errno);
        for (std::size_t i = slots_.size(); i > 0; --i)
            free_.push_back(static_cast<std::uint32_t>(i - 1));
    }

    ~LoadWorker() {
        for (Slot& slot : slots_)
            if (slot.fd >= 0)
                ::close(slot.fd);
    }

    void run() {
        std::array<epoll_event, kEpollBatch> events{};
        auto last_sweep = Clock::now();
        while (true) {
            now_ = Clock::now();
            if (starting_ && now_ >= schedule_.start_until)
                stop_starting();
            bool retry = starting_ && fill();
            if (!starting_) {
                if (active_ == 0)
                    return;
                if (now_ >= drain_until_) {
                    abandon();
                    return;
                }
            }
            int n =
                ::epoll_wait(epoll_.get(), events.data(), kEpollBatch, retry ? kRetryMs : kTickMs);
            if (n < 0 && errno != EINTR)
                throw SystemError("epoll_wait", errno);
            now_ = Clock::now();
            for (int i = 0; i < n; ++i) {
                const epoll_event& event = events[static_cast<std::size_t>(i)];
                progress(event.data.u32, event.events);
            }
            if (now_ - last_sweep >= std::chrono::milliseconds(kTickMs)) {
                expire();
                last_sweep = now_;
            }
        }
    }

    std::uint64_t ok() const { return ok_; }
    std::uint64_t ok_in_window() const { return ok_in_window_; }
    const FailureCounts& failures() const { return failures_; }
    const std::map<int, std::uint64_t>& other_errors() const { return other_errors_; }
    const LatencyReservoir& reservoir() const { return reservoir_; }
    Clock::time_point stopped_at() const { return stopped_at_; }

private:
    struct Slot {
        int fd = -1;
        bool connected = false;
        std::uint64_t sent = 0;
        std::uint64_t received = 0;
        Clock::time_point started{}; // the connect() call
        Clock::time_point last{};    // the last progress
    };

    void stop_starting() {
        starting_ = false;
        stopped_at_ = now_;
        drain_until_ = now_ + timeout_;
    }

    // Starts connections in the free slots; true when one could not start
    // now and should be tried again shortly.
    bool fill() {
        bool retry = false;
        std::size_t attempts = free_.size();
        for (std::size_t i = 0; i < attempts && starting_; ++i) {
            std::uint64_t number = schedule_.started.fetch_add(1, std::memory_order_relaxed);
            if (number >= options_.max_conns) {
                stop_starting();
                break;
            }
            std::uint32_t index = free_.back();
            free_.pop_back();
            if (!open(index, options_.targets[number % options_.targets.size()])) {
                free_.insert(free_.begin(), index);
                retry = true;
            }
        }
        return retry;
    }

    bool open(std::uint32_t index, const Endpoint& target) {
        Slot& slot = slots_[index];
        slot = Slot{};
        int fd = ::socket(target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            count_failure(classify_errno(errno), errno, Clock::now());
            return false;
        }
        try_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
        slot.started = Clock::now();
        slot.last = slot.started;
        if (::connect(fd, target.get(), target.length) != 0 && errno != EINPROGRESS) {
            int error = errno;
            ::close(fd);
            count_failure(classify_errno(error), error, slot.started);
            return false;
        }
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        event.data.u32 = index;
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
            int error = errno;
            ::close(fd);
            count_failure(Failure::Other, error, slot.started);
            return false;
        }
        slot.fd = fd;
        ++active_;
        return true;
    }

    void progress(std::uint32_t index, std::uint32_t events) {
        Slot& slot = slots_[index];
        if (slot.fd < 0)
            return;
        if (!slot.connected) {
            if (int error = pending_error(slot.fd); error != 0)
                return fail(index, classify_errno(error), error);
            if ((events & EPOLLOUT) == 0) {
                if ((events & (EPOLLERR | EPOLLHUP)) != 0)
                    fail(index, Failure::Reset, ECONNRESET);
                return;
            }
            slot.connected = true;
            slot.last = now_;
        }
        while (slot.sent < options_.request_bytes) {
            std::size_t size =
                std::min<std::uint64_t>(options_.request_bytes - slot.sent, request_.size());
            ssize_t n = ::send(slot.fd, request_.data(), size, MSG_NOSIGNAL);
            if (n > 0) {
                slot.sent += static_cast<std::uint64_t>(n);
                slot.last = now_;
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                return; // the next EPOLLOUT edge goes on
            } else {
                return fail(index, classify_errno(errno), errno);
            }
        }
        while (true) {
            ssize_t n = ::recv(slot.fd, input_.data(), input_.size(), 0);
            if (n > 0) {
                slot.received += static_cast<std::uint64_t>(n);
                slot.last = now_;
                if (slot.received > options_.response_bytes)
                    return fail(index, Failure::Short, 0);
            } else if (n == 0) {
                if (slot.received != options_.response_bytes)
                    return fail(index, Failure::Short, 0);
                return succeed(index);
            } else if (errno == EINTR) {
                continue;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return;
            } else {
                return fail(index, classify_errno(errno), errno);
            }
        }
    }

    void succeed(std::uint32_t index) {
        auto end = Clock::now();
        Slot& slot = slots_[index];
        if (end >= schedule_.measure_from) {
            ++ok_;
            if (starting_ && end <= schedule_.start_until)
                ++ok_in_window_;
            auto latency =
                std::chrono::duration_cast<std::chrono::microseconds>(end - slot.started);
            reservoir_.add(static_cast<std::uint64_t>(latency.count()));
        }
        release(index);
    }

    void fail(std::uint32_t index, Failure kind, int error) {
        count_failure(kind, error, now_);
        release(index);
    }

    void count_failure(Failure kind, int error, Clock::time_point when) {
        if (when < schedule_.measure_from)
            return;
        ++failures_[static_cast<std::size_t>(kind)];
        if (kind == Failure::Other)
            ++other_errors_[error];
    }

    void release(std::uint32_t index) {
        Slot& slot = slots_[index];
        ::close(slot.fd); // also leaves the epoll set: the descriptor is not shared
        slot.fd = -1;
        --active_;
        free_.push_back(index);
    }

    void expire() {
        for (std::uint32_t index = 0; index < slots_.size(); ++index)
            if (slots_[index].fd >= 0 && now_ - slots_[index].last >= timeout_)
                fail(index, Failure::Timeout, ETIMEDOUT);
    }

    // The drain's end: what is still in flight timed out.
    void abandon() {
        for (std::uint32_t index = 0; index < slots_.size(); ++index)
            if (slots_[index].fd >= 0)
                fail(index, Failure::Timeout, ETIMEDOUT);
    }

    Schedule& schedule_;
    const LoadOptions& options_;
    LatencyReservoir reservoir_;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_; // slots without a connection
    std::vector<char> request_;
    std::vector<char> input_;
    Clock::duration timeout_;
    Fd epoll_;
    Clock::time_point now_{};
    bool starting_ = true;
    Clock::time_point stopped_at_{};
    Clock::time_point drain_until_{};
    std::size_t active_ = 0;
    std::uint64_t ok_ = 0;
    std::uint64_t ok_in_window_ = 0;
    FailureCounts failures_{};
    std::map<int, std::uint64_t> other_errors_;
};

} // namespace

LoadResult run_load(const LoadOptions& options) {
    auto start = Clock::now();
    auto seconds = [](double value) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
    };
    Schedule schedule{options, start, start + seconds(options.warmup),
                      start + seconds(options.duration)};
    std::vector<std::unique_ptr<LoadWorker>> workers;
    std::size_t capacity = kMaxLatencySamples / options.threads;
    for (std::uint32_t i = 0; i < options.threads; ++i)
        workers.push_back(std::make_unique<LoadWorker>(schedule, capacity, i + 1));

    std::mutex error_mutex;
    std::exception_ptr error;
    std::vector<std::thread> threads;
    for (auto& worker : workers)
        threads.emplace_back([&, raw = worker.get()] {
            try {
                raw->run();
            } catch (...) {
                std::lock_guard lock(error_mutex);
                error = std::current_exception();
            }
        });
    for (std::thread& thread : threads)
        thread.join();
    if (error)
        std::rethrow_exception(error);

    LoadResult result;
    std::uint64_t in_window = 0;
    auto window_end = schedule.start;
    std::vector<LatencyReservoir> reservoirs;
    for (const auto& worker : workers) {
        result.totals.ok += worker->ok();
        in_window += worker->ok_in_window();
        for (std::size_t kind = 0; kind < kFailureKinds; ++kind)
            result.totals.failures[kind] += worker->failures()[kind];
        for (const auto& [number, count] : worker->other_errors())
            result.other_errors[number] += count;
        window_end = std::max(window_end, worker->stopped_at());
        reservoirs.push_back(worker->reservoir());
    }
    window_end = std::min(window_end, schedule.start_until);
    result.totals.seconds = std::max(0.0, seconds_between(schedule.measure_from, window_end));
    if (result.totals.seconds > 0)
        result.totals.rate = static_cast<double>(in_window) / result.totals.seconds;
    result.totals.latency = summarize(merge_samples(reservoirs, kMergeSeed));
    for (const LatencyReservoir& reservoir : reservoirs)
        result.totals.latency.max_us = std::max(result.totals.latency.max_us, reservoir.max());
    return result;
}

} // namespace fnat::bench
