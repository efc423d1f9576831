// For each chapter's book_output_test.cpp: run the chapter's program and
// check that every block the book's notebook prints (../shared/book-outputs,
// copied into the test verbatim) appears in its output, in the book's order.
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace llm::testing {

struct BookBlock {
    const char* cell;  // "cell 18": where the block stands in book-outputs/chNN.md
    const char* text;  // the printed lines, verbatim
};

// Standard output of a shell command; throws when it cannot run or fails.
inline std::string program_output(const std::string& command) {
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run " + command);
    std::string out;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int status = ::pclose(p);
    if (status != 0)
        throw std::runtime_error(command + " failed (status " + std::to_string(status) + ")");
    return out;
}

// Where a block's first line is printed but a later one differs: "line K:
// the book prints '...', the program '...'"; empty when the first line is not there.
inline std::string first_difference(const std::string& output, const std::string& block) {
    const size_t nl = block.find('\n');
    const std::string first = block.substr(0, nl);
    const size_t at = output.find(first + "\n");
    if (at == std::string::npos) return "";
    size_t b = 0, o = at;
    for (int line = 1;; ++line) {
        const size_t be = block.find('\n', b), oe = output.find('\n', o);
        const std::string bl = block.substr(b, be - b),
                          ol = output.substr(o,
                                             oe == std::string::npos ? std::string::npos : oe - o);
        if (bl != ol)
            return "line " + std::to_string(line) + ": the book prints '" + bl +
                "', the program '" + ol + "'";
        if (be == std::string::npos || be + 1 >= block.size() || oe == std::string::npos) return "";
        b = be + 1;
        o = oe + 1;
    }
}

// A decimal the book prints ("48725.8203", "-1.2e-05"); integers stay exact.
inline const std::regex& book_decimal() {
    static const std::regex r(R"([-+]?[0-9]+\.[0-9]+(?:e[-+]?[0-9]+)?)");
    return r;
}

// Where the block is printed with every decimal within `rel` (relative) of
// the book's and all else verbatim, at or after `from`; npos if nowhere.
// Sums in float32 round differently with the vector width and the BLAS
// kernel a CPU gets (AVX2 or AVX-512), so a last digit may move; `why`
// then names the numbers that differ.
inline size_t round_off_match(const std::string& output, size_t from, const std::string& text,
                              double rel, std::string& why) {
    std::string pattern;
    std::vector<std::string> book;
    auto escape = [](const std::string& plain) {
        static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
        return std::regex_replace(plain, special, R"(\$&)");
    };
    size_t last = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), book_decimal());
         it != std::sregex_iterator(); ++it) {
        pattern += escape(text.substr(last, static_cast<size_t>(it->position()) - last));
        pattern += R"(([-+]?[0-9]+\.[0-9]+(?:e[-+]?[0-9]+)?))";
        book.push_back(it->str());
        last = static_cast<size_t>(it->position() + it->length());
    }
    if (book.empty()) return std::string::npos;
    pattern += escape(text.substr(last));
    const std::regex re(pattern);
    for (auto it = std::sregex_iterator(output.begin() + static_cast<std::ptrdiff_t>(from),
                                        output.end(), re);
         it != std::sregex_iterator(); ++it) {
        std::string diffs;
        bool close = true;
        for (size_t i = 0; i < book.size() && close; ++i) {
            const std::string here = (*it)[static_cast<int>(i + 1)].str();
            const double want = std::stod(book[i]);
            close = std::fabs(std::stod(here) - want) <= rel * std::max(std::fabs(want), 1e-3);
            if (here != book[i]) diffs += " book " + book[i] + ", here " + here + ";";
        }
        if (close) {
            why = diffs;
            return from + static_cast<size_t>(it->position());
        }
    }
    return std::string::npos;
}

// Every block, in order; returns how many were found.
inline int check_book_blocks(const std::string& output, const std::vector<BookBlock>& blocks) {
    size_t from = 0;
    int found = 0;
    for (const auto& b : blocks) {
        const std::string text = std::string(b.text) + "\n";
        size_t at = output.find(text, from);
        if (at == std::string::npos) {  // the same up to float32 round-off?
            std::string why;
            at = round_off_match(output, from, text, 1e-5, why);
            if (at != std::string::npos) {
                MESSAGE(std::string(b.cell)
                        << " matches the book up to float32 round-off (1e-5 relative):" << why);
                from = at + 1;  // (its length may differ by a digit; what follows is later)
                ++found;
                continue;
            }
        }
        CHECK_MESSAGE(at != std::string::npos,
                      std::string(b.cell) << " of the book is not in the output"
                                          << std::string(output.find(text) != std::string::npos
                                                             ? " (it is, out of order)"
                                                             : "")
                                          << "; " << first_difference(output, b.text) << ":\n"
                                          << text);
        if (at != std::string::npos) {
            from = at + text.size();
            ++found;
        }
    }
    MESSAGE(found << " of " << blocks.size()
                  << " printed blocks of the book found in the program's output");
    return found;
}

}  // namespace llm::testing
