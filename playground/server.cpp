#include "server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "autograd.hpp"
#include "compare.hpp"
#include "decoding.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "paths.hpp"
#include "prompt_styles.hpp"
#include "random.hpp"
#include "responses.hpp"
#include "text_ids.hpp"
#include "utf8.hpp"

namespace llm::playground {

using nlohmann::json;

struct Server::Tokenizers {
    const ch02::GPT2Tokenizer& gpt2 = ch02::gpt2_tokenizer();
    ch02::BertWordPiece bert = ch02::BertWordPiece::from_data_dir();
    std::string verdict = read_file(data_dir() / "the-verdict.txt");
    ch02::WordTokenizer words{verdict};
    ch02::CharTokenizer chars{verdict};
};

namespace {

constexpr int64_t kEndOfText = 50256;

// JSON text; invalid UTF-8 (a lone byte of a multi-byte character) becomes U+FFFD.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void reply(httplib::Response& res, int status, const json& j) {
    res.status = status;
    res.set_content(dump(j), "application/json");
}

void reply_error(httplib::Response& res, int status, const std::string& message) {
    reply(res, status, json{{"error", message}});
}

// Drops a multi-byte character cut off at the end, so streamed text never
// shows a replacement character that the next token completes.
std::string complete_utf8_prefix(const std::string& s) {
    size_t back = 0;
    for (size_t i = s.size(); i > 0 && back < 4; --i, ++back) {
        const auto c = static_cast<unsigned char>(s[i - 1]);
        if ((c & 0xC0) == 0x80) continue;  // continuation byte: look further back
        const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return need > back + 1 ? s.substr(0, i - 1) : s;
    }
    return s;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Server::Server(LoadedModel model, std::string page_html, Limits limits)
    : model_(std::move(model)),
      page_(std::move(page_html)),
      limits_(limits),
      tokenizers_(std::make_unique<Tokenizers>()),
      http_(std::make_unique<httplib::Server>()) {
    routes();
}

Server::~Server() = default;

int Server::bind(const std::string& host, int port) {
    // cpp-httplib 0.11 listens with a backlog of 5: a burst of connections
    // overflows it and the kernel drops some (the client sees its connection
    // die after a second). listen() again on the bound socket raises it.
    int listening = -1;
    http_->set_socket_options([&listening](socket_t sock) {
        httplib::default_socket_options(sock);
        listening = sock;
    });
    const int bound =
        port == 0 ? http_->bind_to_any_port(host) : (http_->bind_to_port(host, port) ? port : -1);
    if (bound <= 0)
        throw Error("cannot listen on " + host + ":" + std::to_string(port) +
                    " (in use, or not an address of this machine)");
    if (listening >= 0) ::listen(listening, SOMAXCONN);
    return bound;
}

void Server::run() { http_->listen_after_bind(); }

void Server::stop() {
    stopping_ = true;
    stop_generation_ = true;
    http_->stop();
}

std::string Server::model_json() const {
    const auto& c = model_.model->cfg;
    return dump(json{{"source", model_.source},
                     {"kind", model_.kind},
                     {"parameters", model_.model->num_parameters()},
                     {"weights_tied", model_.model->weights_tied()},
                     {"config",
                      {{"vocab_size", c.vocab_size},
                       {"context_length", c.context_length},
                       {"emb_dim", c.emb_dim},
                       {"n_heads", c.n_heads},
                       {"n_layers", c.n_layers},
                       {"drop_rate", c.drop_rate},
                       {"qkv_bias", c.qkv_bias}}},
                     {"limits",
                      {{"max_prompt_bytes", limits_.max_prompt_bytes},
                       {"max_new_tokens", limits_.max_new_tokens},
                       {"max_beams", limits_.max_beams}}}});
}

void Server::routes() {
    auto& h = *http_;
    h.set_payload_max_length(limits_.max_body_bytes);
    h.set_read_timeout(10, 0);
    h.set_write_timeout(10, 0);
    h.set_keep_alive_max_count(100);
    h.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;  // a handler's own message
        const std::string what = res.status == 404 ? "no such path: " + req.method + " " + req.path
            : res.status == 413
            ? "the request body is over " + std::to_string(limits_.max_body_bytes) + " bytes"
            : "request refused (HTTP " + std::to_string(res.status) + ")";
        res.set_content(dump(json{{"error", what}}), "application/json");
    });
    h.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "internal error";
            try {
                std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what += std::string(": ") + e.what();
            } catch (...) {}
            reply_error(res, 500, what);
        });

    h.Get("/", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(page_, "text/html; charset=utf-8");
    });
    h.Get("/api/model", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(model_json(), "application/json");
    });
    h.Get("/api/status", [this](const httplib::Request&, httplib::Response& res) {
        std::unique_lock<std::mutex> lock(model_mutex_, std::try_to_lock);
        reply(res, 200, json{{"busy", !lock.owns_lock()}});
    });
    h.Post("/api/stop", [this](const httplib::Request&, httplib::Response& res) {
        std::unique_lock<std::mutex> lock(model_mutex_, std::try_to_lock);
        if (!lock.owns_lock()) stop_generation_ = true;
        reply(res, 200, json{{"stopping", !lock.owns_lock()}});
    });

    h.Post("/api/tokens", [this](const httplib::Request& req, httplib::Response& res) {
        try {
            const std::string text = parse_text_request(req.body, limits_);
            const auto& t = *tokenizers_;
            json out = json::array();
            for (const auto& k : ch02::compare_tokenizers(text, {t.gpt2, t.bert, t.words, t.chars}))
                out.push_back({{"name", k.name},
                               {"vocab_size", k.vocab_size},
                               {"pieces", k.pieces},
                               {"ids", k.ids},
                               {"unknown", k.unknown}});
            reply(res, 200, out);
        } catch (const Error& e) { reply_error(res, 400, e.what()); }
    });

    h.Post("/api/attention", [this](const httplib::Request& req, httplib::Response& res) {
        AttentionRequest r;
        std::vector<int64_t> ids;
        try {
            r = parse_attention_request(req.body, limits_);
            ids = ch05::text_to_token_ids(r.text, tokenizers_->gpt2).data;
        } catch (const Error& e) { return reply_error(res, 400, e.what()); }
        std::unique_lock<std::mutex> lock(model_mutex_, std::try_to_lock);
        if (!lock.owns_lock())
            return reply_error(res, 503,
                               "busy: the model is generating; try again when it is done");
        try {
            const auto w = attention_map(*model_.model, ids, r.layer, r.head);
            const size_t t = static_cast<size_t>(std::min<int64_t>(
                static_cast<int64_t>(ids.size()), model_.model->cfg.context_length));
            json tokens = json::array(), rows = json::array();
            for (size_t i = ids.size() - t; i < ids.size(); ++i)
                tokens.push_back(tokenizers_->gpt2.decode({ids[i]}));
            for (size_t i = 0; i < t; ++i)
                rows.push_back(
                    std::vector<float>(w.begin() + static_cast<std::ptrdiff_t>(i * t),
                                       w.begin() + static_cast<std::ptrdiff_t>((i + 1) * t)));
            reply(
                res, 200,
                json{{"layer", r.layer}, {"head", r.head}, {"tokens", tokens}, {"weights", rows}});
        } catch (const Error& e) { reply_error(res, 400, e.what()); }
    });

    h.Post("/api/generate", [this](const httplib::Request& req, httplib::Response& res) {
        GenerateRequest r;
        std::string input_text;
        std::vector<int64_t> prompt_ids;
        try {
            r = parse_generate_request(req.body, limits_);
            input_text =
                r.style ? ch07::format_prompt({r.prompt, r.input, ""}, *r.style) : r.prompt;
            prompt_ids = ch05::text_to_token_ids(input_text, tokenizers_->gpt2).data;
        } catch (const Error& e) { return reply_error(res, 400, e.what()); }
        auto lock = std::make_shared<std::unique_lock<std::mutex>>(model_mutex_, std::try_to_lock);
        if (!lock->owns_lock())
            return reply_error(
                res, 503,
                "busy: another generation is running; stop it or try again when it is done");
        stop_generation_ = false;
        res.set_header("Cache-Control", "no-cache");
        res.set_chunked_content_provider(
            "text/event-stream",
            [this, lock, r, input_text, prompt_ids](size_t, httplib::DataSink& sink) {
                bool gone = false;
                auto send = [&](const char* event, const json& data) {
                    const std::string m =
                        std::string("event: ") + event + "\ndata: " + dump(data) + "\n\n";
                    if (!gone && !sink.write(m.data(), m.size())) gone = true;
                    return !gone;
                };
                auto go_on = [&] { return !gone && !stop_generation_ && !stopping_; };
                const auto& tok = tokenizers_->gpt2;
                const auto t0 = std::chrono::steady_clock::now();
                std::vector<int64_t> new_ids;
                auto text_of = [&](const std::vector<int64_t>& ids) {
                    return complete_utf8_prefix(tok.decode(ids));
                };
                try {
                    auto& model = *model_.model;
                    const IntTensor idx({1, static_cast<int64_t>(prompt_ids.size())}, prompt_ids);
                    IntTensor out;
                    if (r.beams > 0) {
                        out = ch05::beam_search(
                            model, idx, r.max_new_tokens, model.cfg.context_length, r.beams,
                            r.style ? std::optional<int64_t>(kEndOfText) : std::nullopt,
                            [&](const std::vector<int64_t>& best) {
                                new_ids.assign(
                                    best.begin() + static_cast<std::ptrdiff_t>(prompt_ids.size()),
                                    best.end());
                                const double dt = seconds_since(t0);
                                send("token",
                                     {{"step", new_ids.size()},
                                      {"text", text_of(new_ids)},
                                      {"tokens_per_s",
                                       static_cast<double>(new_ids.size()) / std::max(dt, 1e-9)}});
                                return go_on();
                            });
                    } else {
                        ch05::GenerateOptions g;
                        g.max_new_tokens = r.max_new_tokens;
                        g.context_size = model.cfg.context_length;
                        g.temperature = r.temperature;
                        if (r.top_k > 0) g.top_k = r.top_k;
                        g.top_p = r.top_p;
                        g.repetition_penalty = r.repetition_penalty;
                        if (r.style) g.eos_id = kEndOfText;
                        g.on_token = [&](int64_t next, const std::vector<float>& logits) {
                            new_ids.push_back(next);
                            json top = json::array();
                            for (const auto& c : top_tokens(logits, r.temperature, r.top))
                                top.push_back({{"id", c.id},
                                               {"piece", tok.decode({c.id})},
                                               {"p", c.probability}});
                            const double dt = seconds_since(t0);
                            send("token",
                                 {{"step", new_ids.size()},
                                  {"id", next},
                                  {"piece", tok.decode({next})},
                                  {"text", text_of(new_ids)},
                                  {"top", top},
                                  {"tokens_per_s",
                                   static_cast<double>(new_ids.size()) / std::max(dt, 1e-9)}});
                            return go_on();
                        };
                        Generator gen(r.seed);  // as `ch05 generate --seed`: manual_seed(seed)
                        out = ch05::generate(model, idx, g, gen);
                    }
                    const std::vector<int64_t>& all = out.data;
                    const std::string text =
                        ch02::decode_utf8_replace(ch05::token_ids_to_text(out, tok));
                    const std::vector<int64_t> generated(
                        all.begin() + static_cast<std::ptrdiff_t>(prompt_ids.size()), all.end());
                    const double dt = seconds_since(t0);
                    json done{{"text", text},
                              {"prompt", ch02::decode_utf8_replace(tok.decode(prompt_ids))},
                              {"generated", ch02::decode_utf8_replace(tok.decode(generated))},
                              {"tokens", generated.size()},
                              {"seconds", dt},
                              {"tokens_per_s",
                               static_cast<double>(generated.size()) / std::max(dt, 1e-9)},
                              {"stopped", stop_generation_ || stopping_ || gone}};
                    if (r.style)
                        done["response"] = ch02::decode_utf8_replace(
                            ch07::extract_response(ch05::token_ids_to_text(out, tok), input_text,
                                                   ch07::response_marker(*r.style)));
                    send("done", done);
                } catch (const Error& e) { send("error", json{{"error", e.what()}}); }
                sink.done();
                return !gone;
            },
            [lock](bool) {
                if (lock->owns_lock()) lock->unlock();
            });
    });
}

}  // namespace llm::playground
