#include "paths.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <fcntl.h>
#include <iostream>
#include <iterator>
#include <sys/mman.h>
#include <unistd.h>

#include "error.hpp"

namespace llm {

std::filesystem::path data_dir() {
    if (const char* env = std::getenv("LLM_DATA_DIR"); env && *env) return env;
    return LLM_SOURCE_DATA_DIR;
}

std::filesystem::path fixtures_dir() {
    if (const char* env = std::getenv("LLM_FIXTURES_DIR"); env && *env) return env;
    return data_dir() / "fixtures";
}

std::string read_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw FileError(path.string() + ": is a directory, expected a file");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw FileError(path.string() + ": cannot open file (missing or unreadable)");
    // One read into a string of the file's size (a stream copy grows its
    // buffer step by step: a 27 MB text took 0.19 s); a file that is not
    // regular (a pipe) or that grows meanwhile is read on in 64 KB steps.
    const auto size = std::filesystem::file_size(path, ec);
    std::string out(ec ? 0 : size, '\0');
    out.resize(std::fread(out.data(), 1, out.size(), f));
    char more[1 << 16];
    for (size_t n; (n = std::fread(more, 1, sizeof more, f)) > 0;) out.append(more, n);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) throw FileError(path.string() + ": read error");
    return out;
}

MappedFile::MappedFile(const std::filesystem::path& path) {
    if (path == "-") {
        read_.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        return;
    }
    std::error_code ec;
    const bool regular = std::filesystem::is_regular_file(path, ec);
    const auto size = regular ? std::filesystem::file_size(path, ec) : 0;
    if (!regular || ec || size == 0) {
        read_ = read_file(path);  // names the path when it cannot be read
        return;
    }
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw FileError(path.string() + ": cannot open file (missing or unreadable)");
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
        read_ = read_file(path);
        return;
    }
    map_ = static_cast<const char*>(p);
    size_ = size;
}

MappedFile::~MappedFile() {
    if (map_) ::munmap(const_cast<char*>(map_), size_);
}

void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write) {
    auto tmp = path;
    tmp += ".tmp." + std::to_string(::getpid());
    try {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw FileError(path.string() + ": cannot create temporary file " + tmp.string());
        write(out);
        out.flush();
        if (!out) throw FileError(path.string() + ": write failed (disk full?)");
    } catch (...) {
        std::remove(tmp.c_str());
        throw;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw FileError(path.string() + ": cannot rename temporary file: " + ec.message());
    }
}

void write_file_atomic(const std::filesystem::path& path, const std::string& bytes) {
    write_file_atomic(path, [&](std::ostream& out) {
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    });
}

}  // namespace llm
