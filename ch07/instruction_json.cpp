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

}  // namespace llm::ch07
