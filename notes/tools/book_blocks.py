#!/usr/bin/env python3
"""Print the chosen cells of ../shared/book-outputs/CHAPTER.md as the C++
table that CHAPTER/book_output_test.cpp holds (the book's printed lines,
verbatim). Used once to write those tables; the tests never run it.

    python3 notes/tools/book_blocks.py ../shared/book-outputs/ch02.md 18 20 22 ...
"""
import re, sys

# A cell given as N:K keeps only the block's first K lines.
path = sys.argv[1]
cells = [(int(c.split(":")[0]), int(c.split(":")[1]) if ":" in c else None) for c in sys.argv[2:]]
text = open(path, encoding="utf-8").read()
found = {}
for m in re.finditer(r"^## cell (\d+) \(([^)]*)\)\n\n`([^\n]*)`\n\n```\n(.*?)\n```", text, re.S | re.M):
    found[int(m.group(1))] = (m.group(2), m.group(3), m.group(4))
for c, keep in cells:
    section, code, block = found[c]
    if keep:
        block = "\n".join(block.split("\n")[:keep])
    print(f"    // cell {c} ({section}): {code}")
    print(f'    {{"cell {c}", R"BOOK({block})BOOK"}},')
