// The fast encoder.json reader against nlohmann's: on OpenAI's file and on
// texts around every rule of the simple form, whenever the fast reader
// accepts a text, nlohmann reads the same entries from it.
#include <doctest/doctest.h>

#include "encoder_json.hpp"
#include "error.hpp"
#include "paths.hpp"

using namespace llm;
using namespace llm::ch02;

namespace {
// true when the fast reader accepted (and then agreed with nlohmann)
bool fast_agrees(const std::string& json) {
    EncoderEntries fast;
    if (!read_encoder_json_fast(json, fast)) return false;
    EncoderEntries slow;
    CHECK_NOTHROW(slow = read_encoder_json_sax(json, "test.json"));
    CHECK(fast == slow);
    return true;
}
}  // namespace

TEST_CASE("encoder.json: the fast reader reads OpenAI's file as nlohmann does") {
    const std::string json = read_file(data_dir() / "gpt2" / "encoder.json");
    CHECK(fast_agrees(json));
    EncoderEntries entries;
    REQUIRE(read_encoder_json_fast(json, entries));
    CHECK(entries.size() == 50257);
    CHECK(entries.front() == std::pair<std::string, int64_t>{"!", 0});
    CHECK(entries.back() == std::pair<std::string, int64_t>{"<|endoftext|>", 50256});
}

TEST_CASE("encoder.json: the simple form is read fast, the same entries as nlohmann") {
    for (const char* json :
         {R"({"a": 0})", "{}", " {\n\t\"a\" :1 ,\r\n \"b\":22}\n ",
          R"({"\"": 1, "\\": 2, "\/": 3, "\b\f\n\r\t": 4})",
          R"({"\u0120the": 262, "\u00e9": 5, "\ud83d\ude00": 6, "\u0000": 7})",
          R"({"a": 0, "a": 1})", R"({"x": 123456789012345678})", "{\"\x7f\": 0}"})
        CHECK_MESSAGE(fast_agrees(json), json);
}

TEST_CASE("encoder.json: anything else is left to nlohmann, which reads it or words the error") {
    // valid JSON outside the simple form
    for (const char* json : {"{\"\xc3\xa9\": 0}", R"({"a": -1})", R"({"a": 1.0})", R"({"a": 1e3})",
                             R"({"a": {"b": 1}})", R"({"a": "b"})", "[1]", "7",
                             R"({"a": 1234567890123456789})", "\xef\xbb\xbf{\"a\": 0}"})
        CHECK_MESSAGE(!fast_agrees(json), json);
    // not JSON at all: both refuse
    for (const char* json : {"", "{", R"({"a": 0,})", R"({"a": 01})", R"({"a" 0})", R"({"\x": 0})",
                             R"({"\ud800": 0})", R"({"\udc00\ud800": 0})", R"({"\u12": 0})",
                             "{\"a\n\": 0}", R"({"a": 0} x)", R"({"a": 0}})"}) {
        CHECK_MESSAGE(!fast_agrees(json), json);
        CHECK_THROWS_AS(read_encoder_json(json, "test.json"), FormatError);
    }
    CHECK_THROWS_WITH_AS(read_encoder_json(R"({"a": 0,})", "vocab/encoder.json"),
                         doctest::Contains("vocab/encoder.json: not valid JSON"), FormatError);
    CHECK_THROWS_WITH_AS(read_encoder_json("{}", "e.json"),
                         doctest::Contains("e.json: expected a JSON object mapping tokens to ids"),
                         FormatError);
}
