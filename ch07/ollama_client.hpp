// Section 7.8: scoring the responses with a larger model. The book serves
// Llama 3 with Ollama and asks it, entry by entry, for a score from 0 to
// 100. query_model speaks Ollama's chat protocol (POST /api/chat, the reply
// streamed as JSON lines) through cpp-httplib; it only ever contacts the
// address it is given.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "error.hpp"
#include "instruction_data.hpp"

namespace llm::ch07 {

// No server answers at the address.
struct ConnectionError : Error {
    using Error::Error;
};

struct OllamaOptions {
    std::string url = "http://localhost:11434";  // the server; "/api/chat" is added
    std::string model = "llama3";
    int64_t seed = 123;  // options of the book's request: deterministic replies
    double temperature = 0;
    int64_t num_ctx = 2048;
    int timeout_seconds = 600;  // per reply
};

// The request body the book's query_model sends.
std::string chat_request_body(const std::string& prompt, const OllamaOptions& o);

// The reply's text: the message contents of the streamed lines, joined. A
// ConnectionError when no server answers (saying how to start one), a
// ValueError naming the status or the line it cannot read.
std::string query_model(const std::string& prompt, const OllamaOptions& o);

// The book's scoring prompt for one answered entry.
std::string scoring_prompt(const Answered& a);

// generate_model_scores: a score per entry whose reply is an integer (others
// are reported through print as "Could not convert score: ..." and skipped).
std::vector<int> generate_model_scores(const std::vector<Answered>& data, const OllamaOptions& o,
                                       const std::function<void(const std::string&)>& print);

}  // namespace llm::ch07
