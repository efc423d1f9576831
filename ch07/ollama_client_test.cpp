// The scoring client (7.8) against a small server started here on
// 127.0.0.1 that answers in Ollama's wire format (streamed JSON lines); the
// request it receives is checked too. No other address is contacted.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "ollama_client.hpp"
#include "prompt_styles.hpp"

using namespace llm;
using namespace llm::ch07;
using nlohmann::json;

namespace {

// A stand-in for `ollama serve`: replies to POST /api/chat with the next
// canned answer, cut into streamed pieces as Ollama streams tokens.
struct FakeOllama {
    httplib::Server server;
    std::thread thread;
    int port = 0;
    std::mutex m;
    std::vector<std::string> bodies, answers;
    size_t next = 0;

    explicit FakeOllama(std::vector<std::string> replies) : answers(std::move(replies)) {
        server.Post("/api/chat", [this](const httplib::Request& req, httplib::Response& res) {
            std::string answer;
            {
                std::lock_guard<std::mutex> lock(m);
                bodies.push_back(req.body);
                answer = answers.at(next++ % answers.size());
            }
            std::string lines;
            for (size_t i = 0; i < answer.size(); i += 3)
                lines +=
                    json{{"model", "llama3"},
                         {"message", {{"role", "assistant"}, {"content", answer.substr(i, 3)}}},
                         {"done", false}}
                        .dump() +
                    "\n";
            lines += json{{"model", "llama3"}, {"done", true}}.dump() + "\n";
            res.set_content(lines, "application/x-ndjson");
        });
        port = server.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { server.listen_after_bind(); });
        // bound already, so connections wait in the backlog; still, let the loop start
        while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~FakeOllama() {
        server.stop();
        thread.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

Answered answered(const std::string& instruction, const std::string& input,
                  const std::string& output, const std::string& response) {
    return {{instruction, input, output}, response};
}

}  // namespace

TEST_CASE("query_model sends the book's request and joins the streamed reply") {
    FakeOllama fake({"Llamas are herbivores."});
    OllamaOptions o;
    o.url = fake.url();
    CHECK(query_model("What do Llamas eat?", o) == "Llamas are herbivores.");
    REQUIRE(fake.bodies.size() == 1);
    const json body = json::parse(fake.bodies[0]);
    CHECK(body == json::parse(R"({"model": "llama3",
        "messages": [{"role": "user", "content": "What do Llamas eat?"}],
        "options": {"seed": 123, "temperature": 0, "num_ctx": 2048}})"));
    o.url = fake.url() + "/api/chat";  // the book's full address works too
    CHECK(query_model("again", o) == "Llamas are herbivores.");
}

TEST_CASE("generate_model_scores: the book's prompt, integer replies kept, others reported") {
    FakeOllama fake({"85", " 40\n", "I'd rate it 95 out of 100."});
    OllamaOptions o;
    o.url = fake.url();
    const std::vector<Answered> data{
        answered("Rewrite the sentence using a simile.", "The car is very fast.",
                 "The car is as fast as lightning.", "The car is as fast as a bullet."),
        answered("What type of cloud is typically associated with thunderstorms?", "",
                 "The type of cloud typically associated with thunderstorms is cumulonimbus.",
                 "The type of cloud associated with thunderstorms is a cumulus cloud."),
        answered("Name the author of 'Pride and Prejudice'.", "", "Jane Austen.",
                 "The author of 'Pride and Prejudice' is Jane Austen.")};
    std::vector<std::string> printed;
    const auto scores =
        generate_model_scores(data, o, [&](const std::string& s) { printed.push_back(s); });
    CHECK(scores == std::vector<int>{85, 40});
    CHECK(printed ==
          std::vector<std::string>{"Could not convert score: I'd rate it 95 out of 100."});
    REQUIRE(fake.bodies.size() == 3);
    const std::string want =
        "Given the input `Below is an instruction that describes a task. Write a response that "
        "appropriately completes the request.\n\n### Instruction:\nRewrite the sentence using a "
        "simile.\n\n### Input:\nThe car is very fast.` and correct output `The car is as fast as "
        "lightning.`, score the model response `The car is as fast as a bullet.` on a scale from 0 "
        "to 100, where 100 is the best score. Respond with the integer number only.";
    CHECK(json::parse(fake.bodies[0])["messages"][0]["content"] == want);
}

TEST_CASE("query_model without a server: a clear error that says how to start one") {
    int port;
    {
        FakeOllama gone({"x"});
        port = gone.port;
    }  // stopped: nothing listens there now
    OllamaOptions o;
    o.url = "http://127.0.0.1:" + std::to_string(port);
    try {
        query_model("hello", o);
        FAIL("no error");
    } catch (const ConnectionError& e) {
        const std::string m = e.what();
        CHECK(m.find("no Ollama server answers at http://127.0.0.1:") != std::string::npos);
        CHECK(m.find("ollama serve") != std::string::npos);
    }
    o.url = "localhost:11434";
    CHECK_THROWS_AS(query_model("hello", o), ValueError);
}
