// Reading instruction-data.json (section 7.2).
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "instruction_data.hpp"
#include "paths.hpp"

namespace llm::ch07 {

std::vector<Entry> load_instruction_data(const std::filesystem::path& path) {
    return parse_instruction_data(read_file(path), path.string());
}

std::vector<Entry> parse_instruction_data(const std::string& text, const std::string& where) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(where + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.is_array()) throw FormatError(where + ": expected a JSON list of entries");
    std::vector<Entry> data;
    for (size_t i = 0; i < j.size(); ++i) {
        const auto& e = j[i];
        auto field = [&](const char* key) -> std::string {
            if (!e.is_object() || !e.contains(key) || !e[key].is_string())
                throw FormatError(where + ": entry " + std::to_string(i) + ": no string '" + key +
                                  "'");
            return e[key].get<std::string>();
        };
        data.push_back({field("instruction"), field("input"), field("output")});
    }
    if (data.empty()) throw FormatError(where + ": no entries");
    return data;
}

void write_responses_json(const std::filesystem::path& path, const std::vector<Answered>& data) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& a : data)
        j.push_back({{"instruction", a.entry.instruction},
                     {"input", a.entry.input},
                     {"output", a.entry.output},
                     {"model_response", a.model_response}});
    // json.dump(test_data, file, indent=4): ASCII only, \u escapes
    write_file_atomic(path, j.dump(4, ' ', /*ensure_ascii=*/true));
}

std::vector<Answered> load_responses_json(const std::filesystem::path& path,
                                          const std::string& json_key) {
    const std::string where = path.string();
    const std::vector<Entry> entries = load_instruction_data(path);
    const auto j = nlohmann::json::parse(read_file(path));  // valid: read above
    std::vector<Answered> out;
    for (size_t i = 0; i < entries.size(); ++i) {
        if (!j[i].contains(json_key) || !j[i][json_key].is_string())
            throw FormatError(where + ": entry " + std::to_string(i) + ": no string '" + json_key +
                              "' (write one with `ch07 respond`)");
        out.push_back({entries[i], j[i][json_key].get<std::string>()});
    }
    return out;
}

}  // namespace llm::ch07
