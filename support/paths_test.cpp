// read_file and MappedFile: the same bytes as were written, whatever the
// size (empty, smaller and larger than the 64 KB read step, not a multiple of
// a page), and errors naming the path.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "error.hpp"
#include "paths.hpp"

using namespace llm;

namespace {
std::filesystem::path written(const std::string& bytes) {
    const auto path = std::filesystem::temp_directory_path() /
        ("llm_paths_test_" + std::to_string(::getpid()) + "_" + std::to_string(bytes.size()));
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}
}  // namespace

TEST_CASE("read_file and MappedFile give back every byte written") {
    for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{65537}, size_t{3} << 20}) {
        std::string bytes(size, '\0');
        for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + i / 7) & 0xFF);
        const auto path = written(bytes);
        CHECK(read_file(path) == bytes);
        const MappedFile mapped(path);
        CHECK(mapped.bytes() == bytes);
        std::filesystem::remove(path);
    }
}

TEST_CASE("read_file and MappedFile name the path they cannot read") {
    CHECK_THROWS_WITH_AS(read_file("/nonexistent/x.txt"),
                         doctest::Contains("/nonexistent/x.txt: cannot open"), FileError);
    CHECK_THROWS_WITH_AS(MappedFile("/nonexistent/x.txt"),
                         doctest::Contains("/nonexistent/x.txt: cannot open"), FileError);
    const auto dir = std::filesystem::temp_directory_path();
    CHECK_THROWS_WITH_AS(MappedFile{dir}, doctest::Contains("is a directory"), FileError);
}
