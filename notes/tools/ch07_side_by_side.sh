#!/usr/bin/env bash
# Chapter 7's instruction-finetuning step (GPT-2 124M and 355M, the book's first
# training batch, every parameter trainable, AdamW) and 7.7's responses (batched
# and one by one), ours and the book's PyTorch code alternately on the same
# machine, ROUNDS times; each line is one measurement.  Not part of CI.
#   bash notes/tools/ch07_side_by_side.sh [ROUNDS]     (after ./book build; PyTorch
#   from Debian: apt-get install python3-torch, with OpenBLAS's OpenMP build)
set -eu
cd "$(dirname "$0")/../.."
rounds=${1:-3}
for r in $(seq "$rounds"); do
  build/ch07/bench_instruction 3 | grep -E "^BENCH" | sed "s/^/round $r ours: /"
  for size in small medium; do
    for t in 1 2; do
      /usr/bin/python3 notes/tools/pytorch_book_gpt.py instruct "$size" "$t" 3 61 | tr '\n' ' ' | sed "s/^/round $r pytorch: /"; echo
    done
  done
  /usr/bin/python3 notes/tools/pytorch_book_gpt.py respond 2 4 32 60 | tr '\n' ' ' | sed "s/^/round $r pytorch: /"; echo
done
