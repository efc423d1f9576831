// The playground's HTTP server (cpp-httplib): the page, and a small JSON API
// over the model the chapters built.
//   GET  /                the page (page.html: HTML, CSS and JavaScript in one file)
//   GET  /api/model       which model is loaded, its configuration and size
//   POST /api/tokens      {"text"}: chapter 2's four tokenizers side by side
//   POST /api/attention   {"text", "layer", "head"}: chapter 3's attention weights
//   POST /api/generate    ch05 generate's options: server-sent events, one per
//                         token (text so far, next-token candidates), then "done"
//   POST /api/stop        ends the generation in progress
//   GET  /api/status      {"busy": bool}
// One generation (or attention map) at a time: a second one is answered 503
// "busy". Bad requests get 400 with a message, bodies over the limit 413,
// unknown paths 404; a client that goes away ends its generation.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "inspect.hpp"
#include "requests.hpp"

namespace httplib {
class Server;
}

namespace llm::playground {

class Server {
public:
    Server(LoadedModel model, std::string page_html, Limits limits = {});
    ~Server();
    // Binds host:port (port 0: a free one) and returns the port; throws when it cannot.
    int bind(const std::string& host, int port);
    void run();  // serves until stop()
    void stop();  // from any thread: ends the generation in progress, then the server
    bool busy() const { return generating_.load(); }

private:
    struct Tokenizers;
    void routes();
    std::string model_json() const;

    LoadedModel model_;
    std::string page_;
    Limits limits_;
    std::unique_ptr<Tokenizers> tokenizers_;
    std::unique_ptr<httplib::Server> http_;
    std::mutex model_mutex_;  // one user of the model at a time
    std::atomic<bool> generating_{false}, stop_generation_{false}, stopping_{false};
};

}  // namespace llm::playground
