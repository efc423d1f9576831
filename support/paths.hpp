// Where the shipped data lives, and reading whole files.
#pragma once
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace llm {

// data/ of the source tree; $LLM_DATA_DIR overrides it.
std::filesystem::path data_dir();
// data/fixtures; $LLM_FIXTURES_DIR overrides it.
std::filesystem::path fixtures_dir();
// The whole file as bytes; FileError naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);
// A file's bytes mapped read-only, for large inputs: no copy, and the pages
// are mapped in one call instead of a page fault per 4 KB (each fault costs
// microseconds under a hypervisor). "-" or a file that cannot be mapped (a
// pipe) is read into memory instead. FileError naming the path.
class MappedFile {
public:
    explicit MappedFile(const std::filesystem::path& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    std::string_view bytes() const { return map_ ? std::string_view(map_, size_) : read_; }

private:
    const char* map_ = nullptr;
    size_t size_ = 0;
    std::string read_;
};
// Writes bytes to path through a temporary file and a rename, so a crash
// never leaves a half-written file under the final name.
void write_file_atomic(const std::filesystem::path& path, const std::string& bytes);
// The same, streaming: write(out) fills the temporary file.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write);

}  // namespace llm
