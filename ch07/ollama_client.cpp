#include "ollama_client.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "prompt_styles.hpp"

namespace llm::ch07 {

namespace {

// "http://host:port[/api/chat]" -> the server part; "/api/chat" is ours to add.
std::string server_of(std::string url) {
    const std::string path = "/api/chat";
    if (url.size() >= path.size() && url.compare(url.size() - path.size(), path.size(), path) == 0)
        url.erase(url.size() - path.size());
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.rfind("http://", 0) != 0)
        throw ValueError("--ollama: '" + url +
                         "' is not an http:// address (for example http://localhost:11434)");
    return url;
}

// Python's int(text): surrounding whitespace, an optional sign, digits.
std::optional<int> python_int(const std::string& text) {
    const char* ws = " \t\n\r\f\v";
    const size_t a = text.find_first_not_of(ws);
    if (a == std::string::npos) return std::nullopt;
    const std::string s = text.substr(a, text.find_last_not_of(ws) - a + 1);
    size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    if (i == s.size() || s.size() - i > 9) return std::nullopt;
    for (size_t k = i; k < s.size(); ++k)
        if (s[k] < '0' || s[k] > '9') return std::nullopt;
    return std::stoi(s);
}

}  // namespace

std::string chat_request_body(const std::string& prompt, const OllamaOptions& o) {
    nlohmann::ordered_json body = {
        {"model", o.model},
        {"messages", {{{"role", "user"}, {"content", prompt}}}},
        {"options", {{"seed", o.seed}, {"temperature", o.temperature}, {"num_ctx", o.num_ctx}}}};
    return body.dump();
}

std::string query_model(const std::string& prompt, const OllamaOptions& o) {
    const std::string server = server_of(o.url);
    httplib::Client client(server);
    client.set_connection_timeout(5);
    client.set_read_timeout(o.timeout_seconds);
    const auto res = client.Post("/api/chat", chat_request_body(prompt, o), "application/json");
    if (!res)
        throw ConnectionError(
            "no Ollama server answers at " + server + " (" + httplib::to_string(res.error()) +
            "). Start one with `ollama serve`, fetch the model with `ollama pull " + o.model +
            "`, or point --ollama at another server");
    if (res->status != 200)
        throw ValueError(server + "/api/chat answered HTTP " + std::to_string(res->status) + ": " +
                         res->body.substr(0, 200));
    std::string reply;
    std::istringstream lines(res->body);
    int n = 0;
    for (std::string line; std::getline(lines, line);) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception&) {
            throw ValueError(server + "/api/chat: reply line " + std::to_string(n) +
                             " is not JSON: " + line.substr(0, 200));
        }
        if (j.contains("error"))
            throw ValueError(server + "/api/chat: the server says: " + j["error"].dump());
        if (j.contains("message") && j["message"].contains("content") &&
            j["message"]["content"].is_string())
            reply += j["message"]["content"].get<std::string>();
    }
    return reply;
}

std::string scoring_prompt(const Answered& a) {
    return "Given the input `" + format_input(a.entry) + "` and correct output `" + a.entry.output +
        "`, score the model response `" + a.model_response +
        "` on a scale from 0 to 100, where 100 is the best score. "
        "Respond with the integer number only.";
}

std::vector<int> generate_model_scores(const std::vector<Answered>& data, const OllamaOptions& o,
                                       const std::function<void(const std::string&)>& print) {
    std::vector<int> scores;
    for (const auto& a : data) {
        const std::string score = query_model(scoring_prompt(a), o);
        if (const auto v = python_int(score))
            scores.push_back(*v);
        else
            print("Could not convert score: " + score);
    }
    return scores;
}

}  // namespace llm::ch07
