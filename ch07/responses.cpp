#include "responses.hpp"

#include "decoding.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "text_ids.hpp"

namespace llm::ch07 {

namespace {
std::string strip(const std::string& s) {  // Python's str.strip(): whitespace at both ends
    const char* ws = " \t\n\r\f\v";
    const size_t a = s.find_first_not_of(ws);
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(ws) - a + 1);
}
}  // namespace

std::string extract_response(const std::string& generated_text, const std::string& input_text,
                             const std::string& marker) {
    if (generated_text.compare(0, input_text.size(), input_text) != 0)
        throw ValueError("extract_response: the generated text does not begin with the prompt");
    std::string response = generated_text.substr(input_text.size());
    for (size_t at; !marker.empty() && (at = response.find(marker)) != std::string::npos;)
        response.erase(at, marker.size());
    return strip(response);
}

Generated generate_response(ch04::GPTModel& model, const std::string& input_text,
                            int64_t max_new_tokens, int64_t eos_id, const std::string& marker) {
    model.eval();
    const auto& tokenizer = ch02::gpt2_tokenizer();
    const IntTensor prompt = ch05::text_to_token_ids(input_text, tokenizer);
    ch05::GenerateOptions o;
    o.max_new_tokens = max_new_tokens;
    o.context_size = model.cfg.context_length;
    o.eos_id = eos_id;
    const IntTensor out = ch05::generate(model, prompt, o);
    Generated g;
    const size_t T = prompt.data.size();
    g.new_ids.assign(out.data.begin() + static_cast<long>(T), out.data.end());
    g.stopped_at_eos = static_cast<int64_t>(g.new_ids.size()) < max_new_tokens;
    g.generated_text = ch05::token_ids_to_text(out, tokenizer);
    g.response_text = extract_response(g.generated_text, input_text, marker);
    return g;
}

}  // namespace llm::ch07
