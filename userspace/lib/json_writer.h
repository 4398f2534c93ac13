// A minimal JSON writer for fnatadm's machine-readable listing: objects and
// arrays with a fixed key order, two-space indentation, strings escaped per
// RFC 8259. No parsing, no dependency.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fnat {

// "a\"b" -> "\"a\\\"b\"": the quoted, escaped JSON string.
std::string json_quote(std::string_view text);

class JsonWriter {
public:
    void begin_object();
    void end_object();
    void begin_array();
    void end_array();

    // Starts a member of the current object; follow with a value or a begin_*.
    void key(std::string_view name);

    void value(std::string_view text);
    void value(const char* text) { value(std::string_view(text)); }
    void value(bool flag);
    template <std::unsigned_integral Number>
    void value(Number number) {
        number_value(static_cast<std::uint64_t>(number));
    }

    // A member with a plain value: key(name) then value(v).
    template <typename Value>
    void field(std::string_view name, const Value& v) {
        key(name);
        value(v);
    }

    // The document, ending with a newline.
    std::string str() const { return out_ + "\n"; }

private:
    void number_value(std::uint64_t number);
    void before_value();
    void newline();

    std::string out_;
    // Per open container: whether it already has an element.
    std::vector<bool> has_elements_;
    bool after_key_ = false;
};

} // namespace fnat
