// The SMS Spam Collection's TSV and the split CSVs, read as pandas'
// read_csv reads them.
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

// pandas' C parser on a delimited file: records of fields, each with the
// offset where it starts. A field that begins with '"' runs, delimiters and
// newlines included, to the next '"' not doubled; what follows up to the
// delimiter or line end is appended. Blank lines are skipped; CRLF ends a line.
struct Record {
    size_t start;
    std::vector<std::string> fields;
};

std::vector<Record> read_records(const std::string& bytes, const std::string& where, char delim) {
    if (const int64_t bad = invalid_utf8_at(bytes); bad >= 0)
        throw FormatError(where + ": byte " + std::to_string(bad) + " (line " +
                          std::to_string(line_of(bytes, static_cast<size_t>(bad))) +
                          ") is not valid UTF-8");
    std::vector<Record> records;
    size_t i = 0;
    const size_t n = bytes.size();
    while (i < n) {
        Record r{i, std::vector<std::string>(1)};
        for (bool end_of_record = false; !end_of_record;) {
            std::string& f = r.fields.back();
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
            while (i < n && bytes[i] != delim && bytes[i] != '\n') f += bytes[i++];
            if (i < n && bytes[i] == delim) {
                ++i;
                r.fields.emplace_back();
            } else {
                if (!f.empty() && f.back() == '\r') f.pop_back();  // a CRLF line end
                ++i;  // the newline (or the end of the file)
                end_of_record = true;
            }
        }
        if (r.fields.size() == 1 && r.fields[0].empty()) continue;  // a blank line
        records.push_back(std::move(r));
    }
    return records;
}

// "FILE: line N: what" (the line number is counted only for an error)
FormatError bad_line(const std::string& where, const std::string& bytes, const Record& r,
                     const std::string& what) {
    return FormatError(where + ": line " + std::to_string(line_of(bytes, r.start)) + ": " + what);
}

}  // namespace

SpamFrame parse_sms_spam_collection(const std::string& bytes, const std::string& where) {
    SpamFrame df;
    for (auto& r : read_records(bytes, where, '\t')) {
        if (r.fields.size() != 2)
            throw bad_line(where, bytes, r,
                           "expected 2 tab-separated fields (label, text), got " +
                               std::to_string(r.fields.size()));
        if (r.fields[0] != "ham" && r.fields[0] != "spam")
            throw bad_line(where, bytes, r,
                           "unknown label '" + r.fields[0] + "' (expected ham or spam)");
        df.index.push_back(df.size());
        df.label.push_back(std::move(r.fields[0]));
        df.text.push_back(std::move(r.fields[1]));
    }
    if (df.size() == 0) throw FormatError(where + ": no rows (an empty file?)");
    return df;
}

SpamFrame parse_split_csv(const std::string& bytes, const std::string& where) {
    auto records = read_records(bytes, where, ',');
    if (records.empty() || records[0].fields != std::vector<std::string>{"Label", "Text"})
        throw FormatError(where + ": line 1: expected the header Label,Text");
    SpamFrame df;
    df.labels_mapped = true;
    for (size_t k = 1; k < records.size(); ++k) {
        auto& r = records[k];
        if (r.fields.size() != 2)
            throw bad_line(where, bytes, r,
                           "expected 2 comma-separated fields (Label, Text), got " +
                               std::to_string(r.fields.size()));
        if (r.fields[0] != "0" && r.fields[0] != "1")
            throw bad_line(where, bytes, r,
                           "label '" + r.fields[0] + "' is not 0 (ham) or 1 (spam)");
        df.index.push_back(df.size());
        df.label.push_back(std::move(r.fields[0]));
        df.text.push_back(std::move(r.fields[1]));
    }
    if (df.size() == 0) throw FormatError(where + ": no rows after the header");
    return df;
}

}  // namespace llm::ch06
