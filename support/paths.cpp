#include "paths.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
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
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path.string() + ": cannot open file (missing or unreadable)");
    std::ostringstream out;
    out << in.rdbuf();
    if (in.bad()) throw FileError(path.string() + ": read error");
    return std::move(out).str();
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
