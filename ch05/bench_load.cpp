// BENCH load_gpt2_medium_{f32,f16,bf16}_*: loading a HuggingFace
// model.safetensors of gpt2-medium's shapes (random values: nothing to
// download), as `ch05 generate --weights` does, in a fresh process each:
// the peak resident memory once the model is loaded, as a multiple of the
// model's own float32 size, and the time to the first generated token.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench.hpp"
#include "blas_startup.hpp"
#include "decoding.hpp"
#include "gpt2_weights.hpp"

extern char** environ;

using namespace llm;
namespace fs = std::filesystem;

namespace {

// gpt2-medium's tensors in HuggingFace's layout (no lm_head: tied to wte).
std::vector<std::pair<std::string, std::vector<int64_t>>> medium_shapes() {
    const int64_t E = 1024, V = 50257, C = 1024;
    std::vector<std::pair<std::string, std::vector<int64_t>>> t = {{"wte.weight", {V, E}},
                                                                   {"wpe.weight", {C, E}}};
    for (int i = 0; i < 24; ++i) {
        const std::string h = "h." + std::to_string(i) + ".";
        for (auto [n, s] : std::vector<std::pair<std::string, std::vector<int64_t>>>{
                 {"ln_1.weight", {E}},
                 {"ln_1.bias", {E}},
                 {"attn.c_attn.weight", {E, 3 * E}},
                 {"attn.c_attn.bias", {3 * E}},
                 {"attn.c_proj.weight", {E, E}},
                 {"attn.c_proj.bias", {E}},
                 {"ln_2.weight", {E}},
                 {"ln_2.bias", {E}},
                 {"mlp.c_fc.weight", {E, 4 * E}},
                 {"mlp.c_fc.bias", {4 * E}},
                 {"mlp.c_proj.weight", {4 * E, E}},
                 {"mlp.c_proj.bias", {E}}})
            t.push_back({h + n, s});
    }
    t.push_back({"ln_f.weight", {E}});
    t.push_back({"ln_f.bias", {E}});
    return t;
}

// Writes the file in the given dtype with small random values.
void write_file(const fs::path& path, const std::string& dtype) {
    const size_t width = dtype == "F32" ? 4 : 2;
    nlohmann::ordered_json header;
    uint64_t offset = 0;
    const auto shapes = medium_shapes();
    for (const auto& [name, shape] : shapes) {
        uint64_t n = 1;
        for (auto d : shape) n *= static_cast<uint64_t>(d);
        header[name] = {
            {"dtype", dtype}, {"shape", shape}, {"data_offsets", {offset, offset + n * width}}};
        offset += n * width;
    }
    std::string h = header.dump();
    while ((h.size() + 8) % 8) h += ' ';
    std::ofstream out(path, std::ios::binary);
    const uint64_t len = h.size();
    out.write(reinterpret_cast<const char*>(&len), 8);
    out << h;
    uint32_t state = 12345;
    std::vector<char> buf;
    for (const auto& [name, shape] : shapes) {
        uint64_t n = 1;
        for (auto d : shape) n *= static_cast<uint64_t>(d);
        buf.resize(n * width);
        for (uint64_t i = 0; i < n; ++i) {
            state = state * 1664525u + 1013904223u;
            const float v = (static_cast<float>(state >> 8) / 16777216.0f - 0.5f) * 0.04f;
            uint32_t bits;
            std::memcpy(&bits, &v, 4);
            if (width == 4)
                std::memcpy(&buf[i * 4], &bits, 4);
            else {  // BF16 by truncation; F16 from the float's bits (tiny values become 0)
                const uint32_t sign = (bits >> 16) & 0x8000u, e = (bits >> 23) & 0xff;
                const uint16_t half = dtype == "BF16" ? static_cast<uint16_t>(bits >> 16)
                    : e < 113
                    ? static_cast<uint16_t>(sign)
                    : static_cast<uint16_t>(sign | (e - 112) << 10 | ((bits >> 13) & 0x3ff));
                std::memcpy(&buf[i * 2], &half, 2);
            }
        }
        out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    }
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

// In the child: load, report the peak RSS, generate one token, report the time.
int child(const char* file) {
    const double t0 = bench::now();
    auto model = ch05::load_model(file);
    model->eval();
    const double loaded = bench::now() - t0;
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double rss_mb = static_cast<double>(ru.ru_maxrss) * 1024 / 1e6;
    ch05::GenerateOptions g;
    g.max_new_tokens = 1;
    g.context_size = model->cfg.context_length;
    ch05::generate(*model, IntTensor({1, 4}, {6109, 3626, 6100, 345}), g);
    std::printf("%.6f %.6f %.3f %lld\n", loaded, bench::now() - t0, rss_mb,
                static_cast<long long>(model->num_parameters()));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "child") return child(argv[2]);
    blas_startup(argc, argv);
    const fs::path dir = fs::temp_directory_path() / ("bench-load-" + std::to_string(getpid()));
    fs::create_directories(dir);
    for (const std::string dtype : {"F32", "F16", "BF16"}) {
        const fs::path file = dir / ("model-" + dtype + ".safetensors");
        write_file(file, dtype);
        int p[2];
        if (pipe(p) != 0) return 1;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[1], 1);
        posix_spawn_file_actions_addclose(&fa, p[0]);
        std::string self = "/proc/self/exe", mode = "child", path = file.string();
        char* args[] = {self.data(), mode.data(), path.data(), nullptr};
        pid_t pid;
        if (posix_spawn(&pid, self.c_str(), &fa, nullptr, args, environ) != 0) return 1;
        posix_spawn_file_actions_destroy(&fa);
        close(p[1]);
        char out[256] = {};
        const ssize_t n = read(p[0], out, sizeof out - 1);
        close(p[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        double loaded = 0, first = 0, rss = 0;
        long long params = 0;
        if (n <= 0 || std::sscanf(out, "%lf %lf %lf %lld", &loaded, &first, &rss, &params) != 4) {
            std::fprintf(stderr, "the %s load failed\n", dtype.c_str());
            return 1;
        }
        const double model_mb = static_cast<double>(params) * 4 / 1e6;
        std::string tag = dtype;
        for (auto& c : tag) c = static_cast<char>(std::tolower(c));
        std::printf(
            "  %s file of %.0f MB: model %.0f MB of float32, peak %.0f MB after loading (%.2fx), "
            "loaded in %.2f s, first token after %.2f s\n",
            dtype.c_str(), static_cast<double>(fs::file_size(file)) / 1e6, model_mb, rss,
            rss / model_mb, loaded, first);
        bench::record("load_gpt2_medium_" + tag + "_peak_rss_ratio", rss / model_mb, "x-model");
        bench::record("load_gpt2_medium_" + tag + "_first_token_s", first, "s");
        fs::remove(file);
    }
    fs::remove_all(dir);
}
