// A small Chrome DevTools Protocol client for the browser test: headless
// Chromium started with --remote-debugging-pipe reads commands on its fd 3 and
// writes replies and events on fd 4, each a JSON text ended by a NUL byte. No
// WebSocket, no driver program: a command is {"id", "method", "params"} (and
// "sessionId" for a page), its reply carries the same id.
#pragma once
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/types.h>

namespace llm::playground {

class HeadlessChromium {
public:
    // Starts `chromium` headless with a fresh profile in `profile_dir`; its
    // output goes to profile_dir/chromium.log.
    HeadlessChromium(const std::string& chromium, const std::filesystem::path& profile_dir);
    ~HeadlessChromium();  // closes the browser (kills it if it does not go)
    HeadlessChromium(const HeadlessChromium&) = delete;
    HeadlessChromium& operator=(const HeadlessChromium&) = delete;

    // Sends a command and waits for its reply's "result"; throws with the
    // protocol's error message, or when no reply comes within `timeout`.
    nlohmann::json call(const std::string& method,
                        const nlohmann::json& params = nlohmann::json::object(),
                        const std::string& session = "",
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // A new tab at `url`, attached: returns its session id.
    std::string open_page(const std::string& url);
    // Runtime.evaluate in the page (promises awaited): the value, as JSON.
    nlohmann::json evaluate(const std::string& session, const std::string& expression);

    // The first chromium on PATH ($CHROMIUM first), or "" when there is none.
    static std::string find();

private:
    pid_t pid_ = -1;
    int to_browser_ = -1, from_browser_ = -1;
    int64_t next_id_ = 1;
    std::string buffer_;
};

}  // namespace llm::playground
