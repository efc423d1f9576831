#!/usr/bin/env bash
# Chapter 6's finetuning step (GPT-2 124M, batch 8 x 120, last block + final norm
# + head trainable, AdamW) and appendix E's LoRA step (rank 16), ours and the
# book's PyTorch code alternately on the same machine, ROUNDS times; each line
# is one measurement.  Not part of CI.
#   bash notes/tools/ch06_side_by_side.sh [ROUNDS]     (after ./book build;
#   PyTorch from Debian: apt-get install python3-torch; it uses the system BLAS,
#   which ./book sets to OpenBLAS's OpenMP build)
set -eu
cd "$(dirname "$0")/../.."
rounds=${1:-3}
for r in $(seq "$rounds"); do
  build/ch06/bench_finetune 5 | grep -E "last_block" | sed "s/^/round $r ours: /"
  build/appendix-e/bench_lora 5 | grep -E "lora_step" | sed "s/^/round $r ours: /"
  for mode in finetune lora; do
    for t in 1 2; do
      /usr/bin/python3 notes/tools/pytorch_book_gpt.py "$mode" "$t" 5 | tr '\n' ' ' | sed "s/^/round $r pytorch $mode: /"; echo
    done
  done
done
