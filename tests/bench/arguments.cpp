#include "bench/arguments.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <sstream>
#include <utility>

#include <CLI/CLI.hpp>

namespace fnat::bench {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string show(double value) {
    char text[32];
    std::snprintf(text, sizeof(text), "%g", value);
    return text;
}

} // namespace

std::uint64_t parse_number(std::string_view option, std::string_view text, std::uint64_t min,
                           std::uint64_t max) {
    auto refuse = [&]() -> std::uint64_t {
        throw UsageError("invalid " + std::string(option) + " '" + std::string(text) +
                         "': must be an integer " + std::to_string(min) + ".." +
                         std::to_string(max));
    };
    if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit))
        return refuse();
    std::uint64_t value = 0;
    for (char c : text) {
        auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            return refuse();
        value = value * 10 + digit;
    }
    if (value < min || value > max)
        return refuse();
    return value;
}

double parse_seconds(std::string_view option, std::string_view text, double min, double max) {
    auto refuse = [&]() -> double {
        throw UsageError("invalid " + std::string(option) + " '" + std::string(text) +
                         "': must be seconds " + show(min) + ".." + show(max) +
                         " (digits, an optional fraction)");
    };
    auto dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
    // Long digit strings are refused rather than rounded: no bound needs them.
    if (whole.size() + fraction.size() == 0 || whole.size() > 9 || fraction.size() > 9 ||
        !std::all_of(whole.begin(), whole.end(), is_digit) ||
        !std::all_of(fraction.begin(), fraction.end(), is_digit))
        return refuse();
    double value = 0;
    for (char c : whole)
        value = value * 10 + (c - '0');
    double scale = 0.1;
    for (char c : fraction) {
        value += (c - '0') * scale;
        scale /= 10;
    }
    if (!(value >= min && value <= max))
        return refuse();
    return value;
}

Endpoint parse_option_endpoint(std::string_view option, const std::string& text) {
    try {
        return parse_endpoint(text);
    } catch (const EndpointError& error) {
        throw UsageError("invalid " + std::string(option) + " '" + text + "': " + error.what());
    }
}

TextOption::TextOption(CLI::App& app, std::string name, const std::string& description,
                       const std::string& value_name)
    : name_(std::move(name)),
      option_(app.add_option(name_, text_, description)->option_text(value_name)) {}

bool TextOption::given() const {
    return option_->count() > 0;
}

std::uint64_t TextOption::number(std::uint64_t min, std::uint64_t max) const {
    return parse_number(name_, text_, min, max);
}

double TextOption::seconds(double min, double max) const {
    return parse_seconds(name_, text_, min, max);
}

std::optional<HelpRequest> parse_with(CLI::App& app, const std::vector<std::string>& args) {
    std::vector<const char*> argv{app.get_name().c_str()};
    for (const std::string& arg : args)
        argv.push_back(arg.c_str());
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::CallForHelp& help) {
        std::ostringstream out, err;
        app.exit(help, out, err);
        return HelpRequest{out.str()};
    } catch (const CLI::ParseError& error) {
        throw UsageError(error.what());
    }
    return std::nullopt;
}

} // namespace fnat::bench
