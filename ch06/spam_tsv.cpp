// The SMS Spam Collection's TSV, read as pandas' read_csv(sep="\t") reads it.
#include <algorithm>
#include <utf8proc.h>

#include "error.hpp"
#include "spam_data.hpp"

namespace llm::ch06 {

namespace {

// The byte offset of the first invalid UTF-8 sequence, or -1.
int64_t invalid_utf8_at(const std::string& s) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    for (size_t i = 0; i < s.size();) {
        utf8proc_int32_t c;
        const auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &c);
        if (n <= 0) return static_cast<int64_t>(i);
        i += static_cast<size_t>(n);
    }
    return -1;
}

int64_t line_of(const std::string& s, size_t at) {
    return 1 + std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(at), '\n');
}

}  // namespace

SpamFrame parse_sms_spam_collection(const std::string& bytes, const std::string& where) {
    if (const int64_t bad = invalid_utf8_at(bytes); bad >= 0)
        throw FormatError(where + ": byte " + std::to_string(bad) + " (line " +
                          std::to_string(line_of(bytes, static_cast<size_t>(bad))) +
                          ") is not valid UTF-8");
    SpamFrame df;
    size_t i = 0;
    const size_t n = bytes.size();
    while (i < n) {
        const size_t record_start = i;
        std::vector<std::string> fields(1);
        bool end_of_record = false;
        while (!end_of_record) {
            std::string& f = fields.back();
            if (i < n && bytes[i] == '"') {  // a quoted field: literally up to the closing quote
                const size_t open = i++;
                for (;;) {
                    if (i >= n)
                        throw FormatError(where + ": line " + std::to_string(line_of(bytes, open)) +
                                          ": a quote opens a field and never closes");
                    if (bytes[i] == '"') {
                        if (i + 1 < n && bytes[i + 1] == '"') {
                            f += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    f += bytes[i++];
                }
            }
            while (i < n && bytes[i] != '\t' && bytes[i] != '\n') f += bytes[i++];
            if (i < n && bytes[i] == '\t') {
                ++i;
                fields.emplace_back();
            } else {
                if (!fields.back().empty() && fields.back().back() == '\r')
                    fields.back().pop_back();  // a CRLF line end
                ++i;  // the newline (or the end of the file)
                end_of_record = true;
            }
        }
        if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
        // (the line number is counted only for an error)
        auto line = [&] { return "line " + std::to_string(line_of(bytes, record_start)); };
        if (fields.size() != 2)
            throw FormatError(where + ": " + line() +
                              ": expected 2 tab-separated fields (label, text), got " +
                              std::to_string(fields.size()));
        if (fields[0] != "ham" && fields[0] != "spam")
            throw FormatError(where + ": " + line() + ": unknown label '" + fields[0] +
                              "' (expected ham or spam)");
        df.index.push_back(df.size());
        df.label.push_back(std::move(fields[0]));
        df.text.push_back(std::move(fields[1]));
    }
    if (df.size() == 0) throw FormatError(where + ": no rows (an empty file?)");
    return df;
}

}  // namespace llm::ch06
