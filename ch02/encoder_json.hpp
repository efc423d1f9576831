// Reading GPT-2's encoder.json: {"token": id, ...}, 50,257 entries in a
// megabyte. The tokens come back as the JSON text spells them (UTF-8 of
// GPT-2's byte-level alphabet), with their ids, in file order.
//
// Two readers with one result. read_encoder_json_fast handles the form
// OpenAI's file has (ASCII, \uXXXX escapes, plain integers) in one pass and
// returns false for anything else; read_encoder_json tries it first and
// otherwise reads through nlohmann::json's SAX interface, which also words
// every error. The fast reader exists because the load is the serial part of
// `ch02 encode` on both cores: nlohmann's parser takes 25 ms here, the fast
// one 4 ms. A test and the vocabulary fuzz target check that whenever the fast
// reader accepts a text, nlohmann reads the same entries from it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llm::ch02 {

using EncoderEntries = std::vector<std::pair<std::string, int64_t>>;

// FormatError naming `where` when json is not an object of integers.
EncoderEntries read_encoder_json(std::string_view json, const std::string& where);
// The same entries, or false (entries then unspecified) for any text outside
// the simple form, valid JSON or not.
bool read_encoder_json_fast(std::string_view json, EncoderEntries& entries);
// Always through nlohmann's SAX reader (the reference for the fast one).
EncoderEntries read_encoder_json_sax(std::string_view json, const std::string& where);

}  // namespace llm::ch02
