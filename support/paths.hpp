// Where the shipped data lives, and reading whole files.
#pragma once
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace llm {

// data/ of the source tree; $LLM_DATA_DIR overrides it.
std::filesystem::path data_dir();
// data/fixtures; $LLM_FIXTURES_DIR overrides it.
std::filesystem::path fixtures_dir();
// The whole file as bytes; FileError naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);
// Writes bytes to path through a temporary file and a rename, so a crash
// never leaves a half-written file under the final name.
void write_file_atomic(const std::filesystem::path& path, const std::string& bytes);
// The same, streaming: write(out) fills the temporary file.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write);

}  // namespace llm
