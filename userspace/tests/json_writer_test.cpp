#include <string>

#include <gtest/gtest.h>

#include "lib/json_writer.h"

namespace fnat {
namespace {

TEST(JsonQuote, PlainText) {
    EXPECT_EQ(json_quote("wlc"), "\"wlc\"");
}

TEST(JsonQuote, EscapesQuotesAndBackslashes) {
    EXPECT_EQ(json_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

TEST(JsonQuote, EscapesControlCharacters) {
    EXPECT_EQ(json_quote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
    EXPECT_EQ(json_quote(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
    EXPECT_EQ(json_quote(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(JsonQuote, PassesUtf8Through) {
    EXPECT_EQ(json_quote("调度"), "\"调度\"");
}

TEST(JsonWriter, NestedContainers) {
    JsonWriter json;
    json.begin_object();
    json.key("a");
    json.value(std::uint32_t{1});
    json.key("b");
    json.begin_array();
    json.value("x");
    json.value(true);
    json.begin_object();
    json.end_object();
    json.end_array();
    json.key("c");
    json.begin_array();
    json.end_array();
    json.end_object();
    EXPECT_EQ(json.str(), "{\n"
                          "  \"a\": 1,\n"
                          "  \"b\": [\n"
                          "    \"x\",\n"
                          "    true,\n"
                          "    {}\n"
                          "  ],\n"
                          "  \"c\": []\n"
                          "}\n");
}

TEST(JsonWriter, LargeNumbersAndFalse) {
    JsonWriter json;
    json.begin_array();
    json.value(std::uint64_t{18446744073709551615ULL});
    json.value(std::uint8_t{255});
    json.value(false);
    json.end_array();
    EXPECT_EQ(json.str(), "[\n  18446744073709551615,\n  255,\n  false\n]\n");
}

} // namespace
} // namespace fnat
