// The values on the benchmark tools' command lines: decimal integers and
// seconds with an optional fraction, both within bounds. Everything is
// checked before a socket is opened, so that a wrong command line exits 2
// with one message naming the option.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace fnat::bench {

// A command line a tool refuses (exit status 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// --help: the text to print (exit status 0).
struct HelpRequest {
    std::string text;
};

// Plain decimal digits (no sign, no spaces) with min <= value <= max.
// Throws UsageError naming option.
std::uint64_t parse_number(std::string_view option, std::string_view text, std::uint64_t min,
                           std::uint64_t max);

// "5", "0.25", "1.5": digits with an optional fraction (no exponent, no
// sign), min <= value <= max. Throws UsageError naming option.
double parse_seconds(std::string_view option, std::string_view text, double min, double max);

// Parses args (without the program name) with app: the help text when asked
// for, else nullopt. A CLI11 parse error becomes a UsageError.
std::optional<HelpRequest> parse_with(CLI::App& app, const std::vector<std::string>& args);

} // namespace fnat::bench
