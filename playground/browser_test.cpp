// The playground page in a real browser: the `playground` program serves a
// small model (made with `ch05 train --epochs 0`) on a free loopback port;
// headless Chromium, driven through the DevTools protocol (cdp_pipe.hpp),
// types a prompt, presses Generate and reads the streamed text, which must
// equal what `ch05 generate` prints for the same weights, prompt, strategy and
// seed. Also: the panels render, Stop really stops the server's generation,
// the page works at a phone's width and with the keyboard alone, and Ctrl-C
// stops the server cleanly. Screenshots go to the build folder.
// Without Chromium the test is skipped (exit 77), unless LLM_REQUIRE_BROWSER=1.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <thread>

#include "cdp_pipe.hpp"
#include "utf8.hpp"

extern char** environ;

using namespace llm;
using namespace llm::playground;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path g_work, g_out_dir, g_weights;
std::string g_ch05, g_url;
pid_t g_server = -1;
int g_server_stdout = -1;
std::unique_ptr<HeadlessChromium> g_browser;
std::string g_page;  // the session of the page's tab

// stdout of a command (argv, no shell), and its exit status.
std::pair<std::string, int> run(const std::vector<std::string>& args) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    std::vector<char*> argv;
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0)
        throw std::runtime_error("cannot start " + args[0]);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(p[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return {out, WIFEXITED(status) ? WEXITSTATUS(status) : 128};
}

// What `ch05 generate` prints, as the page can show it: without the final
// newline, invalid UTF-8 replaced as the server's JSON replaces it.
std::string cli_generate(const std::vector<std::string>& options) {
    std::vector<std::string> args = {g_ch05, "generate", "--weights", g_weights.string()};
    args.insert(args.end(), options.begin(), options.end());
    auto [out, status] = run(args);
    REQUIRE(status == 0);
    REQUIRE(!out.empty());
    out.pop_back();
    return ch02::decode_utf8_replace(out);
}

json eval(const std::string& js) { return g_browser->evaluate(g_page, js); }

bool wait_for(const std::string& js, double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
        const json v = eval(js);
        if (v.is_boolean() && v.get<bool>()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

void load_page() {
    g_browser->call("Page.navigate", {{"url", g_url}}, g_page);
    REQUIRE(wait_for("window.playgroundReady === true", 30));
}

void click(const std::string& id) {
    const json xy =
        eval("(() => { const e = document.getElementById('" + id +
             "'); e.scrollIntoView({block: 'center'}); const b = e.getBoundingClientRect();"
             " return [b.x + b.width / 2, b.y + b.height / 2]; })()");
    for (const char* type : {"mousePressed", "mouseReleased"})
        g_browser->call(
            "Input.dispatchMouseEvent",
            {{"type", type}, {"x", xy[0]}, {"y", xy[1]}, {"button", "left"}, {"clickCount", 1}},
            g_page);
}

void press(const std::string& key, int code, const std::string& text = "") {
    json down{{"type", text.empty() ? "rawKeyDown" : "keyDown"},
              {"key", key},
              {"code", key},
              {"windowsVirtualKeyCode", code}};
    if (!text.empty()) down["text"] = text;
    g_browser->call("Input.dispatchKeyEvent", down, g_page);
    g_browser->call(
        "Input.dispatchKeyEvent",
        {{"type", "keyUp"}, {"key", key}, {"code", key}, {"windowsVirtualKeyCode", code}}, g_page);
}

// Types into the prompt as a user does: focus, select all, insert.
void type_prompt(const std::string& text) {
    eval("(() => { const p = document.getElementById('prompt'); p.focus(); p.select(); })()");
    g_browser->call("Input.insertText", {{"text", text}}, g_page);
}

void set_field(const std::string& id, const std::string& value) {
    eval("document.getElementById('" + id + "').value = " + json(value).dump());
}

std::string base64_decode(const std::string& in) {
    std::string out;
    int val = 0, bits = -8;
    for (unsigned char c : in) {
        int d;
        if (c >= 'A' && c <= 'Z')
            d = c - 'A';
        else if (c >= 'a' && c <= 'z')
            d = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            d = c - '0' + 52;
        else if (c == '+')
            d = 62;
        else if (c == '/')
            d = 63;
        else
            continue;
        val = (val << 6) | d;
        bits += 6;
        if (bits >= 0) {
            out.push_back(static_cast<char>((val >> bits) & 0xFF));
            bits -= 8;
        }
    }
    return out;
}

void screenshot(const std::string& name) {
    const std::string png = base64_decode(
        g_browser->call("Page.captureScreenshot", {{"format", "png"}}, g_page)["data"]);
    REQUIRE(png.size() > 1000);
    CHECK(png.compare(1, 3, "PNG") == 0);
    std::ofstream(g_out_dir / name, std::ios::binary) << png;
    MESSAGE("screenshot: " << (g_out_dir / name).string());
}

std::string status_state() { return eval("document.getElementById('status').dataset.state"); }

}  // namespace

TEST_CASE(
    "typing a prompt and pressing Generate streams what ch05 generate prints (sampling, seed)") {
    g_browser->call(
        "Emulation.setDeviceMetricsOverride",
        {{"width", 1200}, {"height", 1100}, {"deviceScaleFactor", 1}, {"mobile", false}}, g_page);
    load_page();
    type_prompt("Every effort moves you");
    set_field("max_new_tokens", "20");
    set_field("temperature", "1.4");
    set_field("top_k", "25");
    set_field("seed", "5");
    click("generate");
    REQUIRE(wait_for("document.getElementById('status').dataset.state !== 'running'", 60));
    CHECK(status_state() == "done");
    const std::string shown = eval("document.getElementById('output').textContent");
    const std::string expected =
        cli_generate({"--prompt", "Every effort moves you", "--max-new-tokens", "20",
                      "--temperature", "1.4", "--top-k", "25", "--seed", "5"});
    CHECK(shown == expected);
    CHECK(eval("steps.length") == 20);  // one streamed event per token reached the page
    CHECK(std::string(eval("document.getElementById('status').textContent")).find("tokens/s") !=
          std::string::npos);
    CHECK(eval("document.querySelectorAll('#dist .bar').length").get<int>() == 20);
    CHECK(eval("document.querySelectorAll('#tokens .tokrow').length") == 4);
    click("show-attention");
    CHECK(wait_for("document.querySelectorAll('#heatmap rect').length === 16",
                   30));  // 4 prompt tokens
    screenshot("playground-desktop.png");
    g_browser->call("Emulation.clearDeviceMetricsOverride", json::object(), g_page);
}

TEST_CASE("greedy decoding and top-p with a repetition penalty match the command line too") {
    load_page();
    type_prompt("I HAD always thought");
    set_field("max_new_tokens", "12");
    click("generate");
    REQUIRE(wait_for("document.getElementById('status').dataset.state === 'done'", 60));
    CHECK(std::string(eval("document.getElementById('output').textContent")) ==
          cli_generate({"--prompt", "I HAD always thought", "--max-new-tokens", "12"}));
    set_field("temperature", "0.9");
    set_field("top_p", "0.6");
    set_field("repetition_penalty", "1.5");
    set_field("seed", "77");
    click("generate");
    REQUIRE(wait_for("document.getElementById('status').dataset.state === 'done'", 60));
    CHECK(
        std::string(eval("document.getElementById('output').textContent")) ==
        cli_generate({"--prompt", "I HAD always thought", "--max-new-tokens", "12", "--temperature",
                      "0.9", "--top-p", "0.6", "--repetition-penalty", "1.5", "--seed", "77"}));
}

TEST_CASE("the attention heatmap draws one cell per pair of prompt tokens") {
    load_page();
    type_prompt("Your journey starts with one step");
    click("show-attention");
    REQUIRE(wait_for("document.querySelectorAll('#heatmap rect').length > 0", 30));
    CHECK(eval("document.querySelectorAll('#heatmap rect').length") == 36);  // 6 GPT-2 tokens
}

TEST_CASE("Stop ends the server's generation, not only the page's reading") {
    load_page();
    set_field("max_new_tokens", "100000");
    click("generate");
    REQUIRE(wait_for("steps.length >= 3", 60));
    click("stop");
    REQUIRE(wait_for("document.getElementById('status').dataset.state !== 'running'", 10));
    CHECK(status_state() == "stopped");
    CHECK(eval("steps.length").get<int>() < 100000);
    // the server is free again: its own status says so
    CHECK(wait_for("fetch('/api/status').then(r => r.json()).then(j => j.busy === false)", 10));
}

TEST_CASE("at a phone's width nothing runs off the side, and Generate still works") {
    g_browser->call("Emulation.setDeviceMetricsOverride",
                    {{"width", 390}, {"height", 844}, {"deviceScaleFactor", 2}, {"mobile", true}},
                    g_page);
    load_page();
    CHECK(eval("document.documentElement.scrollWidth <= window.innerWidth") == true);
    CHECK(
        eval(
            "document.getElementById('generate').getBoundingClientRect().right <= window.innerWidth") ==
        true);
    type_prompt("Every effort moves you");
    set_field("max_new_tokens", "8");
    click("generate");
    REQUIRE(wait_for("document.getElementById('status').dataset.state === 'done'", 60));
    CHECK(eval("document.documentElement.scrollWidth <= window.innerWidth") == true);
    screenshot("playground-phone.png");
    g_browser->call("Emulation.clearDeviceMetricsOverride", json::object(), g_page);
}

TEST_CASE("with the keyboard alone: Tab to the prompt, type, Tab to Generate, Enter") {
    load_page();
    int tabs = 0;
    while (eval("document.activeElement && document.activeElement.id") != "prompt" && tabs < 40) {
        press("Tab", 9);
        ++tabs;
    }
    REQUIRE(tabs < 40);
    eval("document.getElementById('prompt').select()");
    g_browser->call("Input.insertText", {{"text", "The sculptor"}}, g_page);
    while (eval("document.activeElement && document.activeElement.id") != "generate" && tabs < 80) {
        press("Tab", 9);
        ++tabs;
    }
    REQUIRE(tabs < 80);
    press("Enter", 13, "\r");
    REQUIRE(wait_for("document.getElementById('status').dataset.state === 'done'", 60));
    CHECK(std::string(eval("document.getElementById('output').textContent")) ==
          cli_generate({"--prompt", "The sculptor", "--max-new-tokens", "25"}));
}

TEST_CASE("Ctrl-C stops the server cleanly") {
    REQUIRE(g_server > 0);
    kill(g_server, SIGINT);
    int status = 0;
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i) {
        gone = waitpid(g_server, &status, WNOHANG) == g_server;
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(gone);
    g_server = -1;
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

int main(int argc, char** argv) {
    const std::string chromium = HeadlessChromium::find();
    const char* require = std::getenv("LLM_REQUIRE_BROWSER");
    if (chromium.empty()) {
        std::printf("no Chromium found (install Debian's chromium, or set CHROMIUM)%s\n",
                    require && std::string(require) == "1"
                        ? ": LLM_REQUIRE_BROWSER=1, so this fails"
                        : ": skipped");
        return require && std::string(require) == "1" ? 1 : 77;
    }
    g_ch05 = LLM_CH05_PROGRAM;
    g_out_dir = LLM_BROWSER_OUT_DIR;
    char tmpl[] = "/tmp/playground-browser-XXXXXX";
    g_work = mkdtemp(tmpl);
    g_weights = g_work / "model" / "model.safetensors";

    // A small untrained model, from the command line as a reader would make one.
    auto [log, made] =
        run({g_ch05, "train", "--text", (fs::path(LLM_DATA) / "the-verdict.txt").string(),
             "--epochs", "0", "--emb-dim", "32", "--n-layers", "2", "--n-heads", "2",
             "--context-length", "32", "--out", (g_work / "model").string()});
    if (made != 0) {
        std::printf("could not make the model:\n%s\n", log.c_str());
        return 1;
    }
    // The server on a free port; its first lines say where.
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return 1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    std::vector<std::string> args = {
        LLM_PLAYGROUND_PROGRAM, "--weights", g_weights.string(), "--port", "0",
        "--max-new-tokens",     "100000"};
    std::vector<char*> sargv;
    for (auto& a : args) sargv.push_back(a.data());
    sargv.push_back(nullptr);
    if (posix_spawn(&g_server, sargv[0], &fa, nullptr, sargv.data(), environ) != 0) return 1;
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    g_server_stdout = p[0];
    std::string banner;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (banner.find("/ (Ctrl-C") == std::string::npos &&
           std::chrono::steady_clock::now() < end) {
        pollfd pf{g_server_stdout, POLLIN, 0};
        if (poll(&pf, 1, 1000) <= 0) continue;
        char buf[512];
        const ssize_t n = read(g_server_stdout, buf, sizeof buf);
        if (n <= 0) break;
        banner.append(buf, static_cast<size_t>(n));
    }
    const size_t at = banner.find("serving http://");
    if (at == std::string::npos) {
        std::printf("the playground did not start:\n%s\n", banner.c_str());
        return 1;
    }
    g_url = banner.substr(at + 8, banner.find(" (Ctrl-C") - at - 8);
    std::printf("%s", banner.c_str());

    int rc = 1;
    try {
        g_browser = std::make_unique<HeadlessChromium>(chromium, g_work / "profile");
        std::printf("browser: %s\n",
                    std::string(g_browser->call("Browser.getVersion")["product"]).c_str());
        g_page = g_browser->open_page("about:blank");
        doctest::Context ctx(argc, argv);
        rc = ctx.run();
    } catch (const std::exception& e) { std::printf("browser test could not run: %s\n", e.what()); }
    g_browser.reset();
    if (g_server > 0) {
        kill(g_server, SIGKILL);
        waitpid(g_server, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(g_work, ec);
    return rc;
}
