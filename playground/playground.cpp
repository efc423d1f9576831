// The playground: `./book serve [--weights W] [--port 8000]` serves a page on
// which a reader types a prompt and sees it tokenized, continued token by
// token under the decoding strategy of their choice, and looked into
// (next-token candidates, attention weights). See notes/playground.md.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <thread>

#include "blas_startup.hpp"
#include "cli_checks.hpp"
#include "error.hpp"
#include "paths.hpp"
#include "server.hpp"

#ifndef LLM_PLAYGROUND_PAGE
#define LLM_PLAYGROUND_PAGE "playground/page.html"
#endif

using namespace llm;

namespace {

bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"The playground: a local page to look inside the model (./book serve)"};
    std::string weights, host = "127.0.0.1", page = LLM_PLAYGROUND_PAGE;
    int port = 8000;
    playground::Limits limits;
    app.add_option(
           "--weights", weights,
           "model.safetensors: ours (book names), a chapter 7 finetune or HuggingFace's GPT-2 "
           "(default: output/ch05/model.safetensors if present, else an untrained GPT-2 124M)")
        ->check(CLI::ExistingFile);
    app.add_option("--host", host, "address to listen on (default loopback only)");
    app.add_option("--port", port, "port (0: any free port)")->check(CLI::Range(0, 65535));
    app.add_option("--page", page, "the page to serve")->check(CLI::ExistingFile);
    app.add_option("--max-new-tokens", limits.max_new_tokens,
                   "the most tokens one request may ask for")
        ->check(CLI::Range(int64_t{1}, int64_t{100000}));
    CLI11_PARSE(app, argc, argv);

    // Ctrl-C and SIGTERM are taken by one thread (sigwait), not a handler:
    // it may then stop the server, which a signal handler may not.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // every thread started below inherits it

    try {
        if (!is_loopback(host))
            std::fprintf(stderr,
                         "playground: warning: listening on %s: anyone who can reach this machine "
                         "can use the page (no login, no encryption)\n",
                         host.c_str());
        const std::string html = read_file(page);  // before the model: a missing page fails fast
        auto model = playground::load_playground_model(weights);
        std::printf("playground: model %s (%s), %lld parameters\n", model.source.c_str(),
                    model.kind.c_str(), static_cast<long long>(model.model->num_parameters()));
        playground::Server server(std::move(model), html, limits);
        const int bound = server.bind(host, port);
        std::thread([&server, signals] {
            int sig = 0;
            sigwait(&signals, &sig);
            std::fprintf(stderr, "playground: %s: stopping\n",
                         sig == SIGINT ? "Ctrl-C" : "SIGTERM");
            server.stop();
        }).detach();
        std::printf("playground: serving http://%s:%d/ (Ctrl-C stops)\n",
                    host.find(':') != std::string::npos ? ("[" + host + "]").c_str() : host.c_str(),
                    bound);
        std::fflush(stdout);
        server.run();
        std::printf("playground: stopped\n");
    } catch (const Error& e) {
        std::fprintf(stderr, "playground: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
