#include "lib/json_writer.h"

#include <cstdio>

namespace fnat {

std::string json_quote(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned char>(c));
                out += escaped;
            } else {
                out += c; // UTF-8 passes through unchanged
            }
        }
    }
    out += '"';
    return out;
}

void JsonWriter::newline() {
    out_ += '\n';
    out_.append(2 * has_elements_.size(), ' ');
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!has_elements_.empty()) {
        if (has_elements_.back())
            out_ += ',';
        has_elements_.back() = true;
        newline();
    }
}

void JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    has_elements_.push_back(false);
}

void JsonWriter::end_object() {
    bool had_elements = has_elements_.back();
    has_elements_.pop_back();
    if (had_elements)
        newline();
    out_ += '}';
}

void JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    has_elements_.push_back(false);
}

void JsonWriter::end_array() {
    bool had_elements = has_elements_.back();
    has_elements_.pop_back();
    if (had_elements)
        newline();
    out_ += ']';
}

void JsonWriter::key(std::string_view name) {
    before_value();
    out_ += json_quote(name);
    out_ += ": ";
    after_key_ = true;
}

void JsonWriter::value(std::string_view text) {
    before_value();
    out_ += json_quote(text);
}

void JsonWriter::number_value(std::uint64_t number) {
    before_value();
    out_ += std::to_string(number);
}

void JsonWriter::value(bool flag) {
    before_value();
    out_ += flag ? "true" : "false";
}

} // namespace fnat
