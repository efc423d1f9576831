// Same-machine reference for bpe_encode_mbps: tiktoken's native Rust core
// through its Node binding (npm tiktoken-node, prebuilt x86-64 Linux binary),
// on the corpus bench_tokenizer uses:
//   mkdir t && cd t && npm install tiktoken-node
//   find ../data/fixtures -name '*.txt' | xargs cat > corpus.txt
//   node ../notes/tools/tiktoken-native-bench.cjs
// encode() here also turns <|endoftext|> into its id, so its token count is a
// little lower than encode_ordinary's. Not part of the build or CI.
const tiktoken = require("tiktoken-node");
const fs = require("fs");
const text = fs.readFileSync("corpus.txt", "utf8");
const bytes = Buffer.byteLength(text);
const enc = tiktoken.getEncoding("gpt2");
let t0 = process.hrtime.bigint();
const ids = enc.encode(text);
const first = Number(process.hrtime.bigint() - t0) / 1e9;
let best = 1e9;
for (let r = 0; r < 5; r++) { t0 = process.hrtime.bigint(); enc.encode(text); best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9); }
t0 = process.hrtime.bigint(); enc.decode(ids); const dec = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`tiktoken-node (native Rust tiktoken core): ${ids.length} tokens; encode first ${(bytes/first/1e6).toFixed(2)} MB/s, best of 5 ${(bytes/best/1e6).toFixed(2)} MB/s; decode ${(bytes/dec/1e6).toFixed(1)} MB/s`);
