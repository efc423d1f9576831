// The playground's server in this process on a free loopback port, with a
// small random GPT: the page and the API answer, the streamed generation is
// token for token ch05's generate (and beam search), and bad input, busy
// moments, a client that goes away, many clients at once and a stop while
// generating are all answered without a crash or a stuck generation.
#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "decoding.hpp"
#include "gpt_dataset.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "server.hpp"
#include "text_ids.hpp"

using namespace llm;
using namespace llm::playground;
using nlohmann::json;

namespace {

ch04::GPTConfig tiny_config() {
    ch04::GPTConfig c;
    c.context_length = 32;
    c.emb_dim = 32;
    c.n_heads = 2;
    c.n_layers = 2;
    return c;
}

LoadedModel tiny_model() {
    manual_seed(123);
    LoadedModel m{std::make_unique<ch04::GPTModel>(tiny_config()), "test", "random tiny GPT"};
    m.model->eval();
    return m;
}

// The server on a thread, stopped and joined at the end of the test.
struct Running {
    Server server;
    int port;
    std::thread thread;
    explicit Running(Limits limits = {})
        : server(tiny_model(), read_file(LLM_PLAYGROUND_PAGE), limits),
          port(server.bind("127.0.0.1", 0)),
          thread([this] { server.run(); }) {}
    ~Running() {
        server.stop();
        thread.join();
    }
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(60, 0);
        return c;
    }
};

struct Event {
    std::string name;
    json data;
};

// POST /api/generate and read the server-sent events as they come; `keep`
// returning false after an event hangs up (the client going away).
struct Stream {
    int status = 0;
    std::vector<Event> events;
};
Stream generate(
    const Running& r, const json& body,
    const std::function<bool(const Event&)>& keep = [](const Event&) { return true; }) {
    auto cli = r.client();
    Stream s;
    std::string buffer;
    bool hung_up = false;
    httplib::Request req;
    req.method = "POST";
    req.path = "/api/generate";
    req.body = body.dump();
    req.set_header("Content-Type", "application/json");
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
        buffer.append(data, n);
        for (size_t cut; (cut = buffer.find("\n\n")) != std::string::npos;) {
            const std::string block = buffer.substr(0, cut);
            buffer.erase(0, cut + 2);
            const size_t d = block.find("\ndata: ");
            REQUIRE(block.rfind("event: ", 0) == 0);
            REQUIRE(d != std::string::npos);
            s.events.push_back({block.substr(7, d - 7), json::parse(block.substr(d + 7))});
            if (!keep(s.events.back())) {
                hung_up = true;
                return false;
            }
        }
        return true;
    };
    httplib::Response res;
    httplib::Error err = httplib::Error::Success;
    const bool ok = cli.send(req, res, err);
    s.status = res.status;
    if (!ok && !hung_up) FAIL("no answer: " << httplib::to_string(err));
    if (s.status != 200 && s.events.empty() && !res.body.empty())
        s.events.push_back({"reply", json::parse(res.body)});
    return s;
}

std::string cli_text(ch04::GPTModel& model, const std::string& prompt,
                     const ch05::GenerateOptions& g, uint64_t seed, int64_t beams = 0) {
    // what `ch05 generate` does with these options
    const auto& tok = ch02::gpt2_tokenizer();
    const IntTensor idx = ch05::text_to_token_ids(prompt, tok);
    manual_seed(seed);
    const IntTensor out = beams > 0
        ? ch05::beam_search(model, idx, g.max_new_tokens, g.context_size, beams)
        : ch05::generate(model, idx, g);
    return ch05::token_ids_to_text(out, tok);
}

bool wait_until_idle(const Running& r) {
    auto cli = r.client();
    for (int i = 0; i < 200; ++i) {
        auto res = cli.Get("/api/status");
        if (res && res->status == 200 && !json::parse(res->body)["busy"].get<bool>()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace

TEST_CASE("the page, the model's description and the tokenizers answer") {
    Running r;
    auto cli = r.client();
    auto page = cli.Get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type").find("text/html") == 0);
    CHECK(page->body.find("<title>LLM playground") != std::string::npos);

    auto m = cli.Get("/api/model");
    REQUIRE(m);
    const json j = json::parse(m->body);
    const auto c = tiny_config();
    CHECK(j["config"]["n_layers"] == c.n_layers);
    CHECK(j["config"]["context_length"] == c.context_length);
    CHECK(j["parameters"] == ch04::GPTModel(c).num_parameters());
    CHECK(j["parameters"] == ch04::count_parameters(c));

    auto t = cli.Post("/api/tokens", R"({"text": "Hello, do you like tea?"})", "application/json");
    REQUIRE(t);
    CHECK(t->status == 200);
    const json k = json::parse(t->body);
    REQUIRE(k.size() == 4);
    CHECK(k[0]["name"] == "GPT-2 BPE");
    // tiktoken's ids for this text (the book's section 2.5 example, first part)
    CHECK(k[0]["ids"] == std::vector<int64_t>{15496, 11, 466, 345, 588, 8887, 30});
    CHECK(k[1]["name"] == "BERT WordPiece");
    CHECK(k[3]["ids"].size() == std::string("Hello, do you like tea?").size());
}

TEST_CASE("the streamed generation equals ch05 generate: greedy, sampling, top-p, penalty, beams") {
    Running r;
    auto reference = tiny_model();
    auto& model = *reference.model;
    struct Case {
        json body;
        ch05::GenerateOptions g;
        int64_t beams;
    };
    std::vector<Case> cases;
    ch05::GenerateOptions g;
    g.context_size = 32;
    g.max_new_tokens = 12;
    cases.push_back({{{"prompt", "Every effort moves you"}, {"max_new_tokens", 12}}, g, 0});
    ch05::GenerateOptions s = g;
    s.temperature = 1.4f;
    s.top_k = 25;
    cases.push_back({{{"prompt", "Every effort moves you"},
                      {"max_new_tokens", 12},
                      {"temperature", 1.4},
                      {"top_k", 25},
                      {"seed", 7}},
                     s,
                     0});
    ch05::GenerateOptions p = g;
    p.temperature = 0.8f;
    p.top_p = 0.5f;
    p.repetition_penalty = 1.3f;
    p.max_new_tokens = 40;  // beyond the context of 32: the window slides
    cases.push_back({{{"prompt", "I HAD always thought"},
                      {"max_new_tokens", 40},
                      {"temperature", 0.8},
                      {"top_p", 0.5},
                      {"repetition_penalty", 1.3},
                      {"seed", 11}},
                     p,
                     0});
    cases.push_back({{{"prompt", "Every effort moves you"}, {"max_new_tokens", 6}, {"beams", 3}},
                     [] {
                         ch05::GenerateOptions b;
                         b.context_size = 32;
                         b.max_new_tokens = 6;
                         return b;
                     }(),
                     3});
    for (const auto& c : cases) {
        CAPTURE(c.body.dump());
        const uint64_t seed = c.body.value("seed", uint64_t{123});
        const std::string expected = cli_text(model, c.body["prompt"], c.g, seed, c.beams);
        const Stream st = generate(r, c.body);
        CHECK(st.status == 200);
        REQUIRE(!st.events.empty());
        const Event& done = st.events.back();
        REQUIRE(done.name == "done");
        CHECK(done.data["text"] == expected);
        CHECK(done.data["stopped"] == false);
        CHECK(done.data["tokens"] == c.g.max_new_tokens);
        CHECK(st.events.size() == static_cast<size_t>(c.g.max_new_tokens) + 1);
        // the last streamed text is the generated part of the final text
        CHECK(std::string(done.data["prompt"]) +
                  std::string(st.events[st.events.size() - 2].data["text"]) ==
              expected);
        if (c.beams == 0)
            for (size_t i = 0; i + 1 < st.events.size(); ++i) {
                const json& top = st.events[i].data["top"];
                REQUIRE(!top.empty());
                double sum = 0, last = 1;
                for (const auto& t : top) {
                    CHECK(t["p"].get<double>() <= last);
                    last = t["p"];
                    sum += last;
                }
                CHECK(sum <= 1.0 + 1e-5);
                if (c.g.temperature == 0)
                    CHECK(top[0]["id"] == st.events[i].data["id"]);  // greedy takes the top one
            }
    }
}

TEST_CASE("a prompt style formats the prompt as chapter 7 does and extracts the response") {
    Running r;
    const Stream st = generate(
        r, {{"prompt", "Name a colour."}, {"prompt_style", "alpaca"}, {"max_new_tokens", 5}});
    REQUIRE(!st.events.empty());
    const json& d = st.events.back().data;
    CHECK(std::string(d["prompt"]).find("### Instruction:\nName a colour.") != std::string::npos);
    CHECK(d.contains("response"));
}

TEST_CASE("bad requests get 4xx answers with a message; the server goes on") {
    Limits limits;
    Running r(limits);
    auto cli = r.client();
    auto expect = [&](httplib::Result res, int status, const std::string& part) {
        REQUIRE(res);
        CHECK(res->status == status);
        const json j = json::parse(res->body);
        CHECK(std::string(j["error"]).find(part) != std::string::npos);
    };
    expect(cli.Post("/api/generate", "{not json", "application/json"), 400, "not valid JSON");
    expect(cli.Post("/api/generate", R"({"prompt": "a", "temperature": -1})", "application/json"),
           400, "'temperature'");
    expect(
        cli.Post("/api/generate", R"({"prompt": "a", "max_new_tokens": 5000})", "application/json"),
        400, "'max_new_tokens'");
    expect(cli.Post("/api/attention", R"({"text": "a b", "layer": 9})", "application/json"), 400,
           "layer must be in [0, 2)");
    expect(cli.Post("/api/attention", R"({"text": "a b", "head": 2})", "application/json"), 400,
           "head must be in [0, 2)");
    expect(cli.Post("/api/tokens", std::string(limits.max_body_bytes + 1, ' '), "application/json"),
           413, "over");
    expect(cli.Get("/no/such/page"), 404, "no such path: GET /no/such/page");
    expect(cli.Get("/api/generate"), 404, "no such path");
    auto ok = cli.Get("/api/model");
    REQUIRE(ok);
    CHECK(ok->status == 200);
}

TEST_CASE("attention weights: causal rows that sum to 1, over the prompt's tokens") {
    Running r;
    auto res = r.client().Post(
        "/api/attention", R"({"text": "Your journey starts with one step", "layer": 1, "head": 1})",
        "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const json j = json::parse(res->body);
    CHECK(j["tokens"].size() == 6);
    const auto& w = j["weights"];
    REQUIRE(w.size() == 6);
    for (size_t i = 0; i < 6; ++i) {
        double sum = 0;
        for (size_t k = 0; k < 6; ++k) {
            const double v = w[i][k];
            if (k > i) CHECK(v == 0.0);  // the causal mask
            sum += v;
        }
        CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
    }
    CHECK(w[0][0] == doctest::Approx(1.0));
}

TEST_CASE("one generation at a time: the second is told 'busy'; stop ends the first") {
    Running r;
    std::atomic<bool> started{false};
    Stream first;
    std::thread t([&] {
        first = generate(r, {{"prompt", "Every effort moves you"}, {"max_new_tokens", 1000}},
                         [&](const Event&) {
                             started = true;
                             return true;
                         });
    });
    while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto cli = r.client();
    auto busy = cli.Post("/api/generate", R"({"prompt": "x"})", "application/json");
    REQUIRE(busy);
    CHECK(busy->status == 503);
    CHECK(std::string(json::parse(busy->body)["error"]).find("busy") == 0);
    auto att = cli.Post("/api/attention", R"({"text": "x"})", "application/json");
    REQUIRE(att);
    CHECK(att->status == 503);
    CHECK(json::parse(cli.Get("/api/status")->body)["busy"] == true);
    auto stop = cli.Post("/api/stop");
    REQUIRE(stop);
    CHECK(json::parse(stop->body)["stopping"] == true);
    t.join();
    REQUIRE(!first.events.empty());
    CHECK(first.events.back().name == "done");
    CHECK(first.events.back().data["stopped"] == true);
    CHECK(first.events.back().data["tokens"].get<int64_t>() < 1000);
    CHECK(wait_until_idle(r));
}

TEST_CASE("a client that hangs up mid-stream ends its generation; the next one runs") {
    Running r;
    const Stream cut = generate(r, {{"prompt", "Every effort moves you"}, {"max_new_tokens", 1000}},
                                [](const Event& e) { return e.data["step"] < 3; });
    CHECK(cut.events.size() == 3);
    CHECK(wait_until_idle(r));  // the server noticed and let go of the model
    const Stream next = generate(r, {{"prompt", "Every effort moves you"}, {"max_new_tokens", 2}});
    REQUIRE(!next.events.empty());
    CHECK(next.events.back().name == "done");
}

TEST_CASE(
    "many clients at once (a bounded load from 16 threads): every answer is 2xx, 4xx or busy") {
    Running r;
    const std::vector<std::pair<std::string, std::string>> requests = {
        {"/api/tokens", R"({"text": "Hello, world"})"},
        {"/api/generate", R"({"prompt": "Hello", "max_new_tokens": 3})"},
        {"/api/attention", R"({"text": "Hello there"})"},
        {"/api/generate", "{broken"},
        {"/api/tokens", R"({"text": 1})"},
        {"/nowhere", "{}"},
    };
    std::atomic<int> ok{0}, client_error{0}, busy{0}, other{0}, no_answer{0};
    std::mutex errors_mutex;
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t)
        threads.emplace_back([&, t] {
            auto cli = r.client();
            for (int i = 0; i < 12; ++i) {
                const auto& [path, body] = requests[static_cast<size_t>(t + i) % requests.size()];
                const auto t0 = std::chrono::steady_clock::now();
                auto res = cli.Post(path, body, "application/json");
                const double waited =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                if (!res) {
                    ++no_answer;
                    std::lock_guard<std::mutex> lock(errors_mutex);
                    errors.push_back(httplib::to_string(res.error()) + " on " + path + " after " +
                                     std::to_string(waited) + " s");
                } else if (res->status == 200)
                    ++ok;
                else if (res->status == 503)
                    ++busy;
                else if (res->status >= 400 && res->status < 500)
                    ++client_error;
                else
                    ++other;
            }
        });
    for (auto& t : threads) t.join();
    MESSAGE(ok.load() << " ok, " << client_error.load() << " 4xx, " << busy.load() << " busy");
    for (const auto& e : errors) MESSAGE("no answer: " << e);
    CHECK(no_answer == 0);
    CHECK(other == 0);
    CHECK(ok + client_error + busy == 16 * 12);
    CHECK(client_error >= 16 * 12 / 2);  // three of the six kinds are bad requests
    CHECK(wait_until_idle(r));
    const Stream after = generate(r, {{"prompt", "Hello"}, {"max_new_tokens", 2}});
    CHECK(after.events.back().name == "done");
}

TEST_CASE("stop() while a client is streaming: the generation ends and run() returns") {
    auto r = std::make_unique<Running>();
    std::atomic<bool> started{false};
    Stream s;
    std::thread t([&] {
        s = generate(*r, {{"prompt", "Every effort moves you"}, {"max_new_tokens", 1000}},
                     [&](const Event&) {
                         started = true;
                         return true;
                     });
    });
    while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto t0 = std::chrono::steady_clock::now();
    r.reset();  // stop() and join
    t.join();
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
    REQUIRE(!s.events.empty());
    CHECK(s.events.back().data["tokens"].get<int64_t>() < 1000);
}
