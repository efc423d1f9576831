// Round trips, every fixture file, and every kind of malformed file.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>

#include "error.hpp"
#include "paths.hpp"
#include "safetensors.hpp"
#include "testing.hpp"

using namespace llm;
namespace fs = std::filesystem;

namespace {
std::string file_with_header(const std::string& header, size_t data_bytes) {
    std::string s(8, '\0');
    uint64_t n = header.size();
    std::memcpy(s.data(), &n, 8);
    return s + header + std::string(data_bytes, '\0');
}
std::string parse_error(const std::string& bytes) {
    try {
        parse_safetensors(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                          "bad.safetensors");
    } catch (const FormatError& e) { return e.what(); }
    return "no error";
}
}  // namespace

TEST_CASE("save then load gives back names, shapes, values and metadata; the write is atomic") {
    const fs::path path = fs::temp_directory_path() / "llm_roundtrip.safetensors";
    const Tensor a = Tensor::from({{1, 2, 3}, {4, 5, 6}}), b = Tensor::from({-0.5f});
    save_safetensors(path, {{"layer.weight", a}, {"layer.bias", b}}, {{"format", "pt"}});
    const auto st = load_safetensors(path);
    CHECK(st.tensors.at("layer.weight").shape() == Shape{2, 3});
    CHECK(st.tensors.at("layer.weight").to_vector() == a.to_vector());
    CHECK(st.tensors.at("layer.bias").to_vector() == b.to_vector());
    CHECK(st.metadata.at("format") == "pt");
    for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
        CHECK(e.path().string().find("llm_roundtrip.safetensors.tmp") == std::string::npos);
    fs::remove(path);
}

TEST_CASE("every safetensors fixture loads") {
    const auto files =
        testing::find_fixtures([](const fs::path& p) { return p.extension() == ".safetensors"; });
    REQUIRE(!files.empty());
    for (const auto& f : files) {
        INFO(f.string());
        CHECK(!load_safetensors(f).tensors.empty());
    }
}

TEST_CASE("F16 and BF16 convert to float32") {
    // 1.0 in F16 is 0x3C00, -2.0 is 0xC000; in BF16 1.0 is 0x3F80, 0.5 is 0x3F00
    std::string h16 =
        R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}})";
    std::string f = file_with_header(h16, 0);
    const unsigned char data[8] = {0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0x00, 0x3F};
    f.append(reinterpret_cast<const char*>(data), 8);
    const auto st =
        parse_safetensors(reinterpret_cast<const unsigned char*>(f.data()), f.size(), "x");
    CHECK(st.tensors.at("a").to_vector() == std::vector<float>{1.0f, -2.0f});
    CHECK(st.tensors.at("b").to_vector() == std::vector<float>{1.0f, 0.5f});
}

TEST_CASE("malformed files get a FormatError naming the file, the tensor and what is wrong") {
    CHECK(parse_error("abc").find("too short") != std::string::npos);
    std::string huge(8, '\xff');
    CHECK(parse_error(huge).find("header length") != std::string::npos);
    std::string past(8, '\0');
    past[0] = 100;
    CHECK(parse_error(past).find("runs past the end") != std::string::npos);
    CHECK(parse_error(file_with_header("{not json", 0)).find("not valid JSON") !=
          std::string::npos);
    CHECK(
        parse_error(file_with_header(R"({"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}})", 4))
            .find("tensor 'w': unknown dtype 'Q7'") != std::string::npos);
    CHECK(parse_error(
              file_with_header(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8))
              .find("tensor 'w': shape [3] of F32 needs 12 bytes") != std::string::npos);
    CHECK(parse_error(
              file_with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 4))
              .find("beyond the 4 data bytes") != std::string::npos);
    CHECK(parse_error(
              file_with_header(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8))
              .find("negative") != std::string::npos);
    CHECK(
        parse_error(
            file_with_header(
                R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                12))
            .find("overlap") != std::string::npos);
    CHECK(parse_error(file_with_header("[1,2]", 0)).find("not a JSON object") != std::string::npos);
    CHECK(parse_error(
              file_with_header(R"({"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", 8))
              .find("not a floating-point type") != std::string::npos);
    CHECK(parse_error(
              file_with_header(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 4))
              .find("bad.safetensors") == std::string::npos);  // a valid file: no error
    CHECK_THROWS_AS(load_safetensors("/nonexistent/model.safetensors"), FileError);
}

TEST_CASE("SafeTensorsFile reads tensor by tensor what load_safetensors reads at once") {
    // a tensor of 5M floats spans several of load_into's pieces (and pages released)
    const fs::path path = fs::temp_directory_path() / "llm_lazy.safetensors";
    Tensor big = Tensor::empty({5 << 20});
    for (int64_t i = 0; i < big.numel(); ++i) big.data()[i] = static_cast<float>(i % 9973) * 0.5f;
    const Tensor small = Tensor::from({{1, 2}, {3, 4}});
    save_safetensors(path, {{"big", big}, {"small", small}}, {{"gpt_config", "{}"}});
    const SafeTensorsFile file(path);
    CHECK(file.names() == std::vector<std::string>{"big", "small"});
    CHECK(file.shape("small") == Shape{2, 2});
    CHECK(file.dtype("big") == "F32");
    CHECK(file.metadata().at("gpt_config") == "{}");
    CHECK(file.contains("big"));
    CHECK_FALSE(file.contains("nope"));
    CHECK(file.load("small").to_vector() == small.to_vector());
    std::vector<float> dst(static_cast<size_t>(big.numel()));
    file.load_into("big", dst.data());
    CHECK(dst == big.to_vector());
    CHECK(file.load("big").to_vector() == big.to_vector());  // again, after its pages were released
    CHECK_THROWS_WITH_AS(file.shape("nope"), (path.string() + ": tensor 'nope' is missing").c_str(),
                         FormatError);
    fs::remove(path);
    CHECK_THROWS_AS(SafeTensorsFile{path}, FileError);
}
