// fnatadm -R: replays rule lines (what -S prints) read from stdin, the way
// `ipvsadm -R` does, but all or nothing.
//
// Each line is a command line without the program name: blank lines and
// lines starting with '#' are skipped, the others are split on whitespace
// and parsed by parse_command_line(), so every command that changes the
// table (-A -E -D -C -a -e -d --set -Z -P -Q) is accepted; -R, -S, -L, -G,
// --start-daemon, --stop-daemon, -h and -v are refused. Every line is parsed before the kernel is
// touched: one bad line and nothing is sent.
//
// fnat.ko has no transactions: each request is applied (or refused) on its
// own, so a line the kernel refuses leaves the earlier lines applied. To be
// all or nothing anyway, the table (services, their local addresses and
// destinations) and the timeouts are read before the first line is sent
// (the snapshot is the pre-restore state); when a line fails, the table is
// flushed and the snapshot re-created, and its timeouts are set again. What the snapshot cannot
// bring back: counters (new services start at zero, and a -Z line has zeroed them anyway) and
// changes made by someone else while the restore runs.
#pragma once

#include <cstddef>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lib/fnat_api.h"
#include "lib/model.h"
#include "lib/options.h"

namespace fnat {

// One command of the restore input and its 1-based line number.
struct RestoreLine {
    std::size_t number = 0;
    Command command;
};

// A restore that failed. what() is "line N: MESSAGE"; fnatadm prints it
// after "fnatadm: ".
class RestoreError : public std::runtime_error {
public:
    RestoreError(std::size_t line, const std::string& message);

    std::size_t line() const { return line_; }

private:
    std::size_t line_;
};

// A line the kernel refused, after the rollback. rollback_error() is empty
// when the pre-restore state was put back, else why that failed too.
class RestoreFailed : public RestoreError {
public:
    RestoreFailed(std::size_t line, const std::string& message, std::string rollback_error);

    const std::string& rollback_error() const { return rollback_error_; }

private:
    std::string rollback_error_;
};

// Reads and parses the whole input. Throws RestoreError for the first line
// that does not parse (with parse_command_line()'s message) or that holds a
// command restore refuses.
std::vector<RestoreLine> parse_restore_input(std::istream& in);

// The state a failed restore goes back to.
struct Snapshot {
    std::vector<ServiceEntry> services; // creation order, with dests and laddrs
    Timeouts timeouts;
};

// Reads the services, their local addresses, their destinations and the
// timeouts.
Snapshot take_snapshot(FnatApi& api);

// Flushes the table, re-creates the snapshot's services in their order, each
// with its local addresses (in their order) before its destinations (a
// FULLNAT destination needs one), and sets its timeouts. Errors propagate.
void restore_snapshot(FnatApi& api, const Snapshot& snapshot);

// Takes a snapshot, then sends the lines in order. When a request fails,
// restores the snapshot (unless no earlier request had changed anything)
// and throws RestoreFailed. Errors while taking the snapshot propagate as
// they are (nothing has been sent yet).
void apply_restore(const std::vector<RestoreLine>& lines, FnatApi& api);

// The text fnatadm prints for an exception of a request: the kernel's
// message for a NetlinkError (error_message()), else what().
std::string request_error_text(const std::exception& error);

} // namespace fnat
