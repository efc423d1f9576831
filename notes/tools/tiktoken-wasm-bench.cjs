// Same-machine reference for bpe_encode_mbps: the official tiktoken (Rust
// core compiled to WASM, from npm) on the corpus bench_tokenizer uses.
//   mkdir t && cd t && npm install tiktoken
//   find ../data/fixtures -name "*.txt" | xargs cat > corpus.txt
//   node ../notes/tools/tiktoken-wasm-bench.cjs
// Not part of the build or CI.
const { get_encoding } = require("tiktoken");
const fs = require("fs");
const text = fs.readFileSync("corpus.txt", "utf8");
const bytes = Buffer.byteLength(text);
const enc = get_encoding("gpt2");
let t0 = process.hrtime.bigint();
const ids = enc.encode_ordinary(text);
let cold = Number(process.hrtime.bigint() - t0) / 1e9;
let best = 1e9;
for (let r = 0; r < 5; r++) { t0 = process.hrtime.bigint(); enc.encode_ordinary(text); best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9); }
t0 = process.hrtime.bigint(); const s = enc.decode(ids); const dec = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`tiktoken (npm ${JSON.parse(fs.readFileSync("node_modules/tiktoken/package.json")).version}, WASM): ${ids.length} tokens; encode first ${(bytes/cold/1e6).toFixed(2)} MB/s, best of 5 ${(bytes/best/1e6).toFixed(2)} MB/s; decode ${(bytes/dec/1e6).toFixed(1)} MB/s`);
