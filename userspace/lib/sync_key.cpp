#include "lib/sync_key.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <uapi/fnat.h>

namespace fnat {
namespace {

// A longest key, its newline, and one byte more to tell a longer one.
constexpr std::size_t kReadLimit = FNAT_SYNC_KEY_MAX + 2;

std::string source_name(const std::string& file) {
    return file == "-" ? std::string("standard input") : "'" + file + "'";
}

[[noreturn]] void unreadable(const std::string& file, int error) {
    throw UsageError("--sync-key: cannot read " + source_name(file) + ": " + std::strerror(error));
}

// Up to kReadLimit bytes of a file; EINTR is retried.
std::string read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        unreadable(path, errno);
    std::string data;
    char buffer[kReadLimit];
    while (data.size() < kReadLimit) {
        const ssize_t got = ::read(fd, buffer, kReadLimit - data.size());
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            const int error = errno;
            ::close(fd);
            unreadable(path, error);
        }
        if (got == 0)
            break;
        data.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    return data;
}

// Up to kReadLimit bytes of a stream.
std::string read_stream(std::istream& in) {
    std::string data(kReadLimit, '\0');
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    if (in.bad())
        unreadable("-", EIO);
    data.resize(static_cast<std::size_t>(in.gcount()));
    return data;
}

} // namespace

std::string read_sync_key(const std::string& file, std::istream& standard_input) {
    std::string key = file == "-" ? read_stream(standard_input) : read_file(file);
    const bool cut = key.size() == kReadLimit;
    if (!key.empty() && key.back() == '\n')
        key.pop_back();
    if (cut || key.size() < FNAT_SYNC_KEY_MIN || key.size() > FNAT_SYNC_KEY_MAX) {
        const std::string length =
            cut ? "more than " + std::to_string(FNAT_SYNC_KEY_MAX) : std::to_string(key.size());
        throw UsageError("illegal sync-key specified (--sync-key '" + file + "': the key is " +
                         length + " bytes long, it must be " + std::to_string(FNAT_SYNC_KEY_MIN) +
                         ".." + std::to_string(FNAT_SYNC_KEY_MAX) +
                         " bytes without the final newline)");
    }
    return key;
}

void load_sync_key(Command& command, std::istream& standard_input) {
    if (command.sync_key_file)
        command.daemon.key = read_sync_key(*command.sync_key_file, standard_input);
}

} // namespace fnat
