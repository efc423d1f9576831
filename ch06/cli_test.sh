#!/usr/bin/env bash
# Command lines and data files that cannot work must fail with a clear
# message naming what is wrong and a non-zero exit code, write no half
# file, and never crash. Argument: the ch06 program.
set -u
ch06=$1
dir=$(mktemp -d)
. "$(dirname "${BASH_SOURCE[0]}")/../support/cli_expect.sh"
expect "not expected" "$ch06" --no-such-flag
expect "does not exist" "$ch06" --data /nonexistent/SMSSpamCollection prepare --out "$dir/out"
expect "does not exist" "$ch06" --weights /nonexistent/model.safetensors
expect "trainable" "$ch06" --trainable some
expect "until" "$ch06" --until 9.9
expect "model is required" "$ch06" classify --text "hi"
expect "does not exist" "$ch06" classify --model /nonexistent/review_classifier.safetensors --text "hi"
printf 'not a safetensors file' > "$dir/bad.safetensors"
expect "bad.safetensors" "$ch06" classify --model "$dir/bad.safetensors" --text "hi"
expect "bad.safetensors" "$ch06" eval --model "$dir/bad.safetensors"
printf 'ham\thello\nspam\tone\ttwo\n' > "$dir/columns.tsv"
expect "columns.tsv: line 2: expected 2 tab-separated fields" "$ch06" --data "$dir/columns.tsv" prepare --out "$dir/out"
printf 'ham\thello\neggs\tthere\n' > "$dir/label.tsv"
expect "label.tsv: line 2: unknown label 'eggs'" "$ch06" --data "$dir/label.tsv" prepare --out "$dir/out"
printf '' > "$dir/empty.tsv"
expect "empty.tsv: no rows" "$ch06" --data "$dir/empty.tsv" prepare --out "$dir/out"
# none of the failures above wrote a CSV, whole or half
if ls "$dir/out"/*.csv >/dev/null 2>&1 || ls "$dir/out"/*.tmp.* >/dev/null 2>&1; then
  echo "FAIL: a failed run left files in $dir/out"; fail=1
fi
rm -rf "$dir"
exit $fail
