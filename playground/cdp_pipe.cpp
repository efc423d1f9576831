#include "cdp_pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace llm::playground {

using nlohmann::json;
namespace fs = std::filesystem;

std::string HeadlessChromium::find() {
    if (const char* c = std::getenv("CHROMIUM"); c && *c) return c;
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
        size_t start = 0;
        while (start <= dirs.size()) {
            const size_t end = std::min(dirs.find(':', start), dirs.size());
            const fs::path p = fs::path(dirs.substr(start, end - start)) / name;
            if (access(p.c_str(), X_OK) == 0) return p.string();
            start = end + 1;
        }
    }
    return "";
}

HeadlessChromium::HeadlessChromium(const std::string& chromium, const fs::path& profile_dir) {
    int in[2], out[2];  // in: we write, the browser reads (its fd 3); out: the other way (its fd 4)
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    fs::create_directories(profile_dir);
    const std::string log = (profile_dir / "chromium.log").string();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 3);
    posix_spawn_file_actions_adddup2(&fa, out[1], 4);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    // The flags a closed network needs (no background connections, no
    // sandbox when run as root in a container), and a fresh profile.
    std::vector<std::string> args = {chromium,
                                     "--headless",
                                     "--remote-debugging-pipe",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-quic",
                                     "--no-first-run",
                                     "--no-default-browser-check",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--disable-extensions",
                                     "--disable-dev-shm-usage",
                                     "--user-data-dir=" + profile_dir.string(),
                                     "about:blank"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, chromium.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    to_browser_ = in[1];
    from_browser_ = out[0];
    if (rc != 0) {
        close(to_browser_);
        close(from_browser_);
        throw std::runtime_error("cannot start " + chromium);
    }
}

HeadlessChromium::~HeadlessChromium() {
    if (pid_ > 0) {
        try {
            call("Browser.close", json::object(), "", std::chrono::seconds(5));
        } catch (...) {}
        for (int i = 0; i < 100; ++i) {  // up to 5 s to go by itself
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    if (to_browser_ >= 0) close(to_browser_);
    if (from_browser_ >= 0) close(from_browser_);
}

json HeadlessChromium::call(const std::string& method, const json& params,
                            const std::string& session, std::chrono::milliseconds timeout) {
    const int64_t id = next_id_++;
    json msg{{"id", id}, {"method", method}, {"params", params}};
    if (!session.empty()) msg["sessionId"] = session;
    std::string bytes = msg.dump();
    bytes.push_back('\0');
    for (size_t done = 0; done < bytes.size();) {
        const ssize_t n = write(to_browser_, bytes.data() + done, bytes.size() - done);
        if (n <= 0) throw std::runtime_error(method + ": the browser's pipe is closed");
        done += static_cast<size_t>(n);
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (size_t end; (end = buffer_.find('\0')) != std::string::npos;) {
            const json reply = json::parse(buffer_.substr(0, end));
            buffer_.erase(0, end + 1);
            if (!reply.contains("id") || reply["id"] != id) continue;  // an event or an older reply
            if (reply.contains("error"))
                throw std::runtime_error(method + ": " +
                                         reply["error"].value("message", reply["error"].dump()));
            return reply.value("result", json::object());
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            throw std::runtime_error(method + ": no reply within " +
                                     std::to_string(timeout.count()) + " ms");
        pollfd p{from_browser_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char chunk[65536];
        const ssize_t n = read(from_browser_, chunk, sizeof chunk);
        if (n <= 0) throw std::runtime_error(method + ": the browser went away");
        buffer_.append(chunk, static_cast<size_t>(n));
    }
}

std::string HeadlessChromium::open_page(const std::string& url) {
    const std::string target = call("Target.createTarget", {{"url", url}})["targetId"];
    return call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"];
}

json HeadlessChromium::evaluate(const std::string& session, const std::string& expression) {
    const json r = call(
        "Runtime.evaluate",
        {{"expression", expression}, {"awaitPromise", true}, {"returnByValue", true}}, session);
    if (r.contains("exceptionDetails"))
        throw std::runtime_error("in the page: " + r["exceptionDetails"].dump());
    return r["result"].value("value", json());
}

}  // namespace llm::playground
