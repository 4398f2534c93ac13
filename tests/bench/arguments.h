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

#include "bench/endpoint.h"

namespace CLI {
class App;
class Option;
} // namespace CLI

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

// ADDR:PORT of option. Throws UsageError naming option.
Endpoint parse_option_endpoint(std::string_view option, const std::string& text);

// An option of one value that CLI11 keeps as text and the tool checks
// itself, so that every refused value gets the same message naming the
// option. Registered on app when constructed; CLI11 writes into it, so it
// stays where it is.
class TextOption {
public:
    TextOption(CLI::App& app, std::string name, const std::string& description,
               const std::string& value_name);
    TextOption(const TextOption&) = delete;
    TextOption& operator=(const TextOption&) = delete;

    const std::string& name() const { return name_; }
    const std::string& text() const { return text_; }
    bool given() const;

    // parse_number and parse_seconds of the text, naming this option.
    std::uint64_t number(std::uint64_t min, std::uint64_t max) const;
    double seconds(double min, double max) const;

    // When given, value becomes number(min, max); max must fit value's type.
    // Otherwise value keeps its default.
    template <typename T>
    void set_number(T& value, std::uint64_t min, std::uint64_t max) const {
        if (given())
            value = static_cast<T>(number(min, max));
    }
    template <typename T>
    void set_number(std::optional<T>& value, std::uint64_t min, std::uint64_t max) const {
        if (given())
            value = static_cast<T>(number(min, max));
    }
    void set_seconds(double& value, double min, double max) const {
        if (given())
            value = seconds(min, max);
    }

private:
    std::string name_;
    std::string text_;
    const CLI::Option* option_;
};

// Parses args (without the program name) with app: the help text when asked
// for, else nullopt. A CLI11 parse error becomes a UsageError.
std::optional<HelpRequest> parse_with(CLI::App& app, const std::vector<std::string>& args);

} // namespace fnat::bench
