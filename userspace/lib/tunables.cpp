#include "lib/tunables.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace fnat {

namespace {

// A sysfs attribute's text: one line, without its newline.
std::string read_attribute(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) {
        if (in.eof())
            return "";
        return std::string("(unreadable: ") + std::strerror(errno) + ")";
    }
    return line;
}

std::vector<Tunable> read_directory(const std::filesystem::path& dir) {
    std::vector<Tunable> out;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
        if (!entry.is_regular_file(error))
            continue;
        out.push_back({entry.path().filename().string(), read_attribute(entry.path())});
    }
    std::sort(out.begin(), out.end(),
              [](const Tunable& a, const Tunable& b) { return a.name < b.name; });
    return out;
}

void append(std::ostringstream& out, const std::vector<Tunable>& list) {
    std::size_t width = 0;
    for (const auto& t : list)
        width = std::max(width, t.name.size());
    for (const auto& t : list)
        out << "  " << t.name << std::string(width - t.name.size() + 2, ' ') << t.value << '\n';
}

} // namespace

Tunables read_tunables(const std::filesystem::path& sys) {
    const auto runtime = sys / "kernel" / "fnat";
    std::error_code error;
    if (!std::filesystem::is_directory(runtime, error))
        throw TunablesUnavailable("FNAT module not loaded (no " + runtime.string() + ")");
    return {read_directory(runtime), read_directory(sys / "module" / "fnat" / "parameters")};
}

std::string format_tunables(const Tunables& tunables) {
    std::ostringstream out;
    out << "global, at run time: echo VALUE > /sys/kernel/fnat/NAME\n";
    append(out, tunables.runtime);
    out << "at load time: modprobe fnat NAME=VALUE (/sys/module/fnat/parameters/NAME)\n";
    append(out, tunables.load_time);
    out << "per network namespace, with fnatadm: timeouts (--set, -L --timeout), "
           "sync daemons (--start-daemon, -L --daemon)\n";
    return out.str();
}

} // namespace fnat
