// For each chapter's book_output_test.cpp: run the chapter's program and
// check that every block the book's notebook prints (../shared/book-outputs,
// copied into the test verbatim) appears in its output, in the book's order.
#pragma once
#include <doctest/doctest.h>

#include <cstdio>
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

// Every block, in order; returns how many were found.
inline int check_book_blocks(const std::string& output, const std::vector<BookBlock>& blocks) {
    size_t from = 0;
    int found = 0;
    for (const auto& b : blocks) {
        const std::string text = std::string(b.text) + "\n";
        const size_t at = output.find(text, from);
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
