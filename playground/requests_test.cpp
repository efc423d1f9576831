// The playground's request readers: every field's type, range and length is
// checked, with a message naming the field; good requests read as given.
#include <doctest/doctest.h>

#include "error.hpp"
#include "requests.hpp"

using namespace llm;
using namespace llm::playground;

namespace {

std::string error_of(const std::string& body) {
    try {
        parse_generate_request(body, Limits{});
    } catch (const ValueError& e) { return e.what(); }
    return "";
}

}  // namespace

TEST_CASE("a generate request reads every option of ch05 generate and a prompt style") {
    const auto r = parse_generate_request(
        R"({"prompt": "Every effort moves you", "max_new_tokens": 15, "temperature": 1.4,
            "top_k": 25, "top_p": 0.9, "repetition_penalty": 1.2, "beams": 0, "seed": 7,
            "prompt_style": "phi3", "input": "x", "top": 5})",
        Limits{});
    CHECK(r.prompt == "Every effort moves you");
    CHECK(r.max_new_tokens == 15);
    CHECK(r.temperature == doctest::Approx(1.4));
    CHECK(r.top_k == 25);
    CHECK(r.top_p == doctest::Approx(0.9));
    CHECK(r.repetition_penalty == doctest::Approx(1.2));
    CHECK(r.seed == 7);
    CHECK(r.style == ch07::PromptStyle::Phi3);
    CHECK(r.input == "x");
    CHECK(r.top == 5);
    const auto d = parse_generate_request(R"({"prompt": "a", "prompt_style": "none"})", Limits{});
    CHECK_FALSE(d.style.has_value());
    CHECK(d.temperature == 0.0f);
    CHECK(d.max_new_tokens == 25);
}

TEST_CASE("bad generate requests are refused with a message naming what is wrong") {
    CHECK(error_of("").find("not valid JSON") != std::string::npos);
    CHECK(error_of("{\"prompt\": ").find("not valid JSON") != std::string::npos);
    CHECK(error_of("[1, 2]") == "the body must be a JSON object");
    CHECK(error_of(R"({"prompt": "a", "temprature": 1})") == "unknown field 'temprature'");
    CHECK(error_of(R"({})") == "'prompt' is missing");
    CHECK(error_of(R"({"prompt": ""})").find("'prompt' is empty") == 0);
    CHECK(error_of(R"({"prompt": 5})") == "'prompt' must be a string");
    CHECK(error_of(R"({"prompt": "a", "temperature": -1})").find("'temperature' must be") == 0);
    CHECK(error_of(R"({"prompt": "a", "temperature": "hot"})") == "'temperature' must be a number");
    CHECK(error_of(R"({"prompt": "a", "temperature": 1e400})").find("not valid JSON") !=
          std::string::npos);
    CHECK(error_of(R"({"prompt": "a", "top_p": 0})").find("'top_p' must be") == 0);
    CHECK(error_of(R"({"prompt": "a", "top_p": 1.5})").find("'top_p' must be") == 0);
    CHECK(error_of(R"({"prompt": "a", "repetition_penalty": 0})").find("'repetition_penalty'") ==
          0);
    CHECK(error_of(R"({"prompt": "a", "max_new_tokens": 1001})")
              .find("'max_new_tokens' must be in [0, 1000]") == 0);
    CHECK(error_of(R"({"prompt": "a", "max_new_tokens": 2.5})") ==
          "'max_new_tokens' must be an integer");
    CHECK(
        error_of(R"({"prompt": "a", "max_new_tokens": -1})").find("'max_new_tokens' must be in") ==
        0);
    CHECK(error_of(R"({"prompt": "a", "seed": 18446744073709551615})").find("'seed' must be in") ==
          0);
    CHECK(error_of(R"({"prompt": "a", "beams": 17})").find("'beams' must be in [0, 16]") == 0);
    CHECK(error_of(R"({"prompt": "a", "prompt_style": "chatml"})")
              .find("unknown prompt style 'chatml'") == 0);
    CHECK(error_of(R"({"prompt": "a", "input": "b"})").find("'input' goes with a prompt style") ==
          0);
    CHECK(error_of("{\"prompt\": \"" + std::string(8001, 'x') + "\"}") ==
          "'prompt' is 8001 bytes; at most 8000");
    // JSON text must be UTF-8
    CHECK(error_of("{\"prompt\": \"\xff\"}").find("not valid JSON") != std::string::npos);
}

TEST_CASE("token and attention requests") {
    CHECK(parse_text_request(R"({"text": "Hello"})", Limits{}) == "Hello");
    CHECK(parse_text_request(R"({"text": ""})", Limits{}) == "");
    CHECK_THROWS_WITH_AS(parse_text_request(R"({"txt": "a"})", Limits{}), "unknown field 'txt'",
                         ValueError);
    const auto a = parse_attention_request(R"({"text": "a b", "layer": 1, "head": 3})", Limits{});
    CHECK(a.text == "a b");
    CHECK(a.layer == 1);
    CHECK(a.head == 3);
    CHECK_THROWS_WITH_AS(parse_attention_request(R"({"text": "a", "layer": -1})", Limits{}),
                         "'layer' must be in [0, 1000], got -1", ValueError);
    CHECK_THROWS_WITH_AS(parse_attention_request(R"({"text": ""})", Limits{}), "'text' is empty",
                         ValueError);
}
