#!/usr/bin/env bash
# Command lines that cannot work must fail with a clear message and a
# non-zero exit code, never crash. Arguments: the ch02, ch04 and ch05 programs.
set -u
ch02=$1 ch04=$2 ch05=$3
weights=$(mktemp -d)
. "$(dirname "${BASH_SOURCE[0]}")/../support/cli_expect.sh"
printf 'not a safetensors file' > "$weights/bad.safetensors"
expect "not expected" "$ch05" --no-such-flag
expect "temperature" "$ch05" generate --weights "$weights/bad.safetensors" --temperature -1
expect "top-p" "$ch05" generate --weights "$weights/bad.safetensors" --top-p 0
expect "top-p" "$ch05" generate --weights "$weights/bad.safetensors" --top-p 1.5
expect "beams" "$ch05" generate --weights "$weights/bad.safetensors" --beams 0
expect "weights" "$ch05" generate --weights /nonexistent/model.safetensors
expect "header length" "$ch05" generate --weights "$weights/bad.safetensors"
expect "batch-size" "$ch05" train --batch-size 0
expect "context-length" "$ch05" train --context-length 5000
printf '' > "$weights/empty.txt"
expect "empty" "$ch05" train --text "$weights/empty.txt" --epochs 1
printf 'Too short a text.' > "$weights/short.txt"
expect "too few" "$ch05" train --text "$weights/short.txt" --epochs 1
expect "max-new-tokens" "$ch04" generate --max-new-tokens -3
expect "prompt is empty" "$ch04" generate --prompt ""
expect "prompt is empty" "$ch05" generate --weights "$weights/bad.safetensors" --prompt ""
printf 'ab\xffcd' > "$weights/bad-utf8.txt"
expect "invalid UTF-8 at byte offset 2" "$ch02" encode "$weights/bad-utf8.txt"
printf '15496 abc' > "$weights/ids.txt"
expect "'abc' is not a token id" "$ch02" decode "$weights/ids.txt"
printf '15496 99999' > "$weights/ids.txt"
expect "out of range" "$ch02" decode "$weights/ids.txt"
# the corpus pipeline: bad inputs named, a prepared corpus checked before training
expect "no such file or folder" "$ch05" prepare --out "$weights/c" "$weights/nothing-here"
expect "empty.txt: the file is empty" "$ch05" prepare --out "$weights/c" "$weights/empty.txt"
expect "bad-utf8.txt: invalid UTF-8 at byte offset 2" "$ch05" prepare --out "$weights/c" "$weights/bad-utf8.txt"
expect "val-fraction" "$ch05" prepare --out "$weights/c" --val-fraction 1.5 "$weights/short.txt"
expect "corpus.json: not found" "$ch05" train --corpus "$weights" --epochs 1
out=$("$ch05" prepare --out "$weights/c" --skip-bad "$weights/short.txt" "$weights/empty.txt" 2>&1)
if [ $? -ne 0 ] || ! grep -q "1 files skipped" <<<"$out" || [ ! -f "$weights/c/corpus.json" ]; then
  echo "FAIL: prepare --skip-bad: $out"; fail=1
else
  echo "ok: prepare --skip-bad -> $(tail -1 <<<"$out")"
fi
expect "too few for one window" "$ch05" train --corpus "$weights/c" --epochs 1
expect "excludes" "$ch05" train --corpus "$weights/c" --text "$weights/short.txt"
rm -rf "$weights"
exit $fail
