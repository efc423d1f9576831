#!/usr/bin/env bash
# Every figure of notes/performance.md's one-run table: this machine's limits,
# our benchmarks and PyTorch 1.13 running the book's code (notes/tools/
# pytorch_book_gpt.py) with 1 and 2 threads, alternating figure by figure in one
# run, and the tokenizer against native tiktoken (npm tiktoken-node).  Each line
# is one measurement.  Not part of CI.
#   bash notes/tools/side_by_side_all.sh [TEXT] [TIKTOKEN_NODE_DIR]
#   (after ./book build; PyTorch from Debian: apt-get install python3-torch;
#   TEXT: a large text for the tokenizer, TIKTOKEN_NODE_DIR: where
#   `npm install tiktoken-node` was run; either left out when absent)
set -u
cd "$(dirname "$0")/../.."
text=${1:-}
tk=${2:-}
py() { /usr/bin/python3 notes/tools/pytorch_book_gpt.py "$@" 2>/dev/null | tr '\n' ' ' | sed "s/^/pytorch $*: /"; echo; }
ours() { "$@" 2>/dev/null | grep '^BENCH' | sed "s|^|ours $(basename "$1"): |"; }
date -u +"run of %Y-%m-%d %H:%M UTC on $(nproc) cores"
ours build/support/bench_sgemm
ours build/ch05/bench_train
py bench 2; py bench 1
ours build/ch04/bench_gpt
ours build/ch06/bench_finetune 5
py finetune 2 5; py finetune 1 5
ours build/appendix-e/bench_lora 5
py lora 2 5; py lora 1 5
ours build/ch07/bench_instruction 3
py instruct small 2 3 61; py instruct small 1 3 61; py instruct medium 2 3 61
py respond 2 4 32 60
ours build/ch05/bench_load
ours build/support/bench_sgemm
if [ -n "$text" ] && [ -f "$text" ]; then
  bash notes/tools/tokenizer_scaling.sh "$text" 7
  if [ -n "$tk" ] && [ -d "$tk/node_modules/tiktoken-node" ]; then
    (cd "$tk" && node -e '
      const t = require("tiktoken-node"), fs = require("fs");
      const text = fs.readFileSync(process.argv[1], "utf8"), bytes = Buffer.byteLength(text);
      let t0 = process.hrtime.bigint(); const enc = t.getEncoding("gpt2");
      const load = Number(process.hrtime.bigint() - t0) / 1e9; t0 = process.hrtime.bigint();
      const encode = enc.encodeOrdinary ? (s) => enc.encodeOrdinary(s) : (s) => enc.encode(s); encode(text);
      const first = Number(process.hrtime.bigint() - t0) / 1e9; let best = 1e9;
      for (let r = 0; r < 3; r++) { t0 = process.hrtime.bigint(); encode(text);
        best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9); }
      console.log(`tiktoken-node: vocabulary ${load.toFixed(2)} s, encode first ${first.toFixed(2)} s (${(bytes/first/1e6).toFixed(2)} MB/s), best of 3 ${best.toFixed(2)} s (${(bytes/best/1e6).toFixed(2)} MB/s)`);
    ' "$(realpath "$text")")
  fi
fi
