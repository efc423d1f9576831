#include "safetensors.hpp"

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.hpp"
#include "paths.hpp"

namespace llm {

namespace {

constexpr uint64_t kMaxHeader = 100u << 20;  // 100 MB, as the reference implementation

size_t dtype_size(const std::string& dt) {
    if (dt == "F32" || dt == "I32" || dt == "U32") return 4;
    if (dt == "F16" || dt == "BF16" || dt == "I16" || dt == "U16") return 2;
    if (dt == "F64" || dt == "I64" || dt == "U64") return 8;
    if (dt == "I8" || dt == "U8" || dt == "BOOL" || dt == "F8_E4M3" || dt == "F8_E5M2") return 1;
    return 0;
}

float half_to_float(uint16_t h) {
    const uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0)
            bits = sign;
        else {  // subnormal: normalise
            int e = -1;
            uint32_t m = mant;
            do {
                ++e;
                m <<= 1;
            } while ((m & 0x400) == 0);
            bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (m & 0x3ff) << 13;
        }
    } else if (exp == 31)
        bits = sign | 0x7f800000u | mant << 13;
    else
        bits = sign | (exp + 127 - 15) << 23 | mant << 13;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

float bf16_to_float(uint16_t h) {
    const uint32_t bits = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// The header's entries (checked: dtypes, shapes, offsets inside the data and
// not overlapping) and its metadata. Any malformation is a FormatError naming
// the file and, where it applies, the tensor.
std::vector<SafeTensorsEntry> parse_header(const unsigned char* bytes, size_t size,
                                           const std::string& file,
                                           std::map<std::string, std::string>& metadata,
                                           size_t& data_start) {
    auto fail = [&](const std::string& what) -> FormatError {
        return FormatError(file + ": " + what);
    };
    if (size < 8)
        throw fail("too short for a safetensors file (" + std::to_string(size) +
                   " bytes, need at least 8)");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
    if (n > kMaxHeader)
        throw fail("header length " + std::to_string(n) + " is out of range (at most 100 MB)");
    if (n > size - 8)
        throw fail("header length " + std::to_string(n) + " runs past the end of the file (" +
                   std::to_string(size) + " bytes): truncated or not a safetensors file");
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(bytes + 8, bytes + 8 + n);
    } catch (const nlohmann::json::exception& e) {
        throw fail(std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object()) throw fail("header is not a JSON object");
    const uint64_t data_size = size - 8 - n;
    std::vector<SafeTensorsEntry> entries;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object()) throw fail("__metadata__ is not an object");
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string())
                    throw fail("__metadata__ value of '" + m.key() + "' is not a string");
                metadata[m.key()] = m->get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + it.key() + "': ";
        const auto& v = *it;
        if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") ||
            !v.contains("data_offsets"))
            throw fail(where + "entry needs dtype, shape and data_offsets");
        if (!v["dtype"].is_string()) throw fail(where + "dtype is not a string");
        SafeTensorsEntry e{it.key(), v["dtype"].get<std::string>(), {}, 0, 0};
        if (!dtype_size(e.dtype)) throw fail(where + "unknown dtype '" + e.dtype + "'");
        if (!v["shape"].is_array()) throw fail(where + "shape is not an array");
        uint64_t numel = 1;
        for (const auto& d : v["shape"]) {
            if (!d.is_number_unsigned())
                throw fail(where + "shape " + v["shape"].dump() +
                           " has a negative or non-integer dimension");
            const uint64_t dim = d.get<uint64_t>();
            if (dim > (1ull << 40) || (dim && numel > (1ull << 40) / dim))
                throw fail(where + "shape " + v["shape"].dump() + " is too large");
            numel *= dim;
            e.shape.push_back(static_cast<int64_t>(dim));
        }
        const auto& off = v["data_offsets"];
        if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
            !off[1].is_number_unsigned())
            throw fail(where + "data_offsets must be two non-negative integers");
        e.begin = off[0].get<uint64_t>();
        e.end = off[1].get<uint64_t>();
        if (e.begin > e.end)
            throw fail(where + "data_offsets [" + std::to_string(e.begin) + ", " +
                       std::to_string(e.end) + "] are reversed");
        if (e.end > data_size)
            throw fail(where + "data_offsets end " + std::to_string(e.end) + " is beyond the " +
                       std::to_string(data_size) + " data bytes (truncated file?)");
        if (e.end - e.begin != numel * dtype_size(e.dtype))
            throw fail(where + "shape " + shape_str(e.shape) + " of " + e.dtype + " needs " +
                       std::to_string(numel * dtype_size(e.dtype)) +
                       " bytes, but data_offsets span " + std::to_string(e.end - e.begin));
        if (e.dtype != "F32" && e.dtype != "F16" && e.dtype != "BF16" && e.dtype != "F64")
            throw fail(where + "dtype " + e.dtype +
                       " is not a floating-point type (expected F32, F16, BF16 or F64)");
        entries.push_back(std::move(e));
    }
    std::vector<const SafeTensorsEntry*> by_offset;
    for (const auto& e : entries) by_offset.push_back(&e);
    std::sort(by_offset.begin(), by_offset.end(),
              [](auto a, auto b) { return a->begin < b->begin; });
    for (size_t i = 1; i < by_offset.size(); ++i)
        if (by_offset[i]->begin < by_offset[i - 1]->end)
            throw fail("tensors '" + by_offset[i - 1]->name + "' and '" + by_offset[i]->name +
                       "' overlap in the data");
    data_start = 8 + n;
    return entries;
}

// count elements of `dtype` at src to float32 at dst.
void convert(const std::string& dtype, const unsigned char* src, float* dst, int64_t count) {
    if (dtype == "F32") {
        std::memcpy(dst, src, static_cast<size_t>(count) * 4);
    } else if (dtype == "F16" || dtype == "BF16") {
        const bool f16 = dtype == "F16";
        for (int64_t i = 0; i < count; ++i) {
            uint16_t h;
            std::memcpy(&h, src + 2 * i, 2);
            dst[i] = f16 ? half_to_float(h) : bf16_to_float(h);
        }
    } else {  // F64 (parse_header allows nothing else)
        for (int64_t i = 0; i < count; ++i) {
            double d;
            std::memcpy(&d, src + 8 * i, 8);
            dst[i] = static_cast<float>(d);
        }
    }
}

}  // namespace

SafeTensors parse_safetensors(const unsigned char* bytes, size_t size, const std::string& file) {
    SafeTensors out;
    size_t data_start = 0;
    for (const auto& e : parse_header(bytes, size, file, out.metadata, data_start)) {
        Tensor t = Tensor::empty(e.shape);
        convert(e.dtype, bytes + data_start + e.begin, t.data(), t.numel());
        out.tensors[e.name] = t;
        out.dtypes[e.name] = e.dtype;
    }
    return out;
}

SafeTensorsFile::SafeTensorsFile(const std::filesystem::path& path) : path_(path.string()) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0)
        throw FileError(path.string() + ": cannot open safetensors file (missing or unreadable)");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw FileError(path.string() + ": not a regular file");
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ == 0) {
        ::close(fd);
        throw FormatError(path.string() + ": empty file, not a safetensors file");
    }
    void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) throw FileError(path.string() + ": cannot map the file into memory");
    bytes_ = static_cast<const unsigned char*>(map);
    try {
        for (auto& e : parse_header(bytes_, size_, path_, metadata_, data_start_))
            entries_.emplace(e.name, std::move(e));
    } catch (...) {
        ::munmap(const_cast<unsigned char*>(bytes_), size_);
        throw;
    }
}

SafeTensorsFile::~SafeTensorsFile() { ::munmap(const_cast<unsigned char*>(bytes_), size_); }

std::vector<std::string> SafeTensorsFile::names() const {
    std::vector<std::string> out;
    for (const auto& [name, e] : entries_) out.push_back(name);
    return out;
}

const SafeTensorsEntry& SafeTensorsFile::entry(const std::string& name) const {
    auto it = entries_.find(name);
    if (it == entries_.end()) throw FormatError(path_ + ": tensor '" + name + "' is missing");
    return it->second;
}

bool SafeTensorsFile::contains(const std::string& name) const { return entries_.count(name) > 0; }
const Shape& SafeTensorsFile::shape(const std::string& name) const { return entry(name).shape; }
const std::string& SafeTensorsFile::dtype(const std::string& name) const {
    return entry(name).dtype;
}

void SafeTensorsFile::load_into(const std::string& name, float* dst) const {
    const SafeTensorsEntry& e = entry(name);
    const int64_t count = numel_of(e.shape);
    const size_t width = dtype_size(e.dtype);
    const unsigned char* src = bytes_ + data_start_ + e.begin;
    const long page = ::sysconf(_SC_PAGESIZE);
    constexpr int64_t kPiece = 4 << 20;  // elements per piece: at most 32 MB of the file resident
    for (int64_t at = 0; at < count; at += kPiece) {
        const int64_t n = std::min(kPiece, count - at);
        convert(e.dtype, src + static_cast<size_t>(at) * width, dst + at, n);
        // give the pages read so far back (whole pages inside this tensor only)
        const auto first = reinterpret_cast<uintptr_t>(src);
        const auto done = reinterpret_cast<uintptr_t>(src + static_cast<size_t>(at + n) * width);
        const uintptr_t lo = (first + page - 1) / page * page, hi = done / page * page;
        if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);
    }
}

Tensor SafeTensorsFile::load(const std::string& name) const {
    Tensor t = Tensor::empty(entry(name).shape);
    load_into(name, t.data());
    return t;
}

SafeTensors load_safetensors(const std::filesystem::path& path) {
    const SafeTensorsFile file(path);
    SafeTensors out;
    out.metadata = file.metadata();
    for (const auto& name : file.names()) {
        out.tensors[name] = file.load(name);
        out.dtypes[name] = file.dtype(name);
    }
    return out;
}

void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        if (header.contains(name))
            throw ValueError(path.string() + ": tensor name '" + name + "' appears twice");
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * 4;
        header[name] = {
            {"dtype", "F32"}, {"shape", t.shape()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string h = header.dump();
    while ((h.size() + 8) % 8) h += ' ';  // align the data to 8 bytes
    write_file_atomic(path, [&](std::ostream& out) {
        unsigned char len[8];
        for (int i = 0; i < 8; ++i)
            len[i] = static_cast<unsigned char>((h.size() >> (8 * i)) & 0xff);
        out.write(reinterpret_cast<const char*>(len), 8);
        out.write(h.data(), static_cast<std::streamsize>(h.size()));
        for (const auto& [name, t] : tensors)
            out.write(reinterpret_cast<const char*>(t.data()),
                      static_cast<std::streamsize>(t.numel() * 4));
    });
}

}  // namespace llm
