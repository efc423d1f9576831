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
# finetune, save, reload: on a small GPT (the classifier fixture's starting
# weights and config), `finetune` then `eval` on the saved file give the same
# three accuracies, and `classify` answers with one of the two labels
tiny=$(dirname "${BASH_SOURCE[0]}")/../data/fixtures/classifier-tiny-book
mkdir -p "$dir/tiny" && cp "$tiny/weights.safetensors" "$tiny/config.json" "$dir/tiny/"
if ! "$ch06" --weights "$dir/tiny/weights.safetensors" --max-length 64 --epochs 1 --max-steps 3 \
     finetune --out "$dir/run" > "$dir/finetune.log" 2>&1; then
  echo "FAIL: finetune on the small GPT"; cat "$dir/finetune.log"; fail=1
fi
"$ch06" --out "$dir/run" eval --model "$dir/run/review_classifier.safetensors" > "$dir/eval.log" 2>&1
if ! diff <(grep accuracy: "$dir/finetune.log" | tail -3) "$dir/eval.log"; then
  echo "FAIL: eval of the saved classifier differs from the accuracies finetune printed"; fail=1
fi
answer=$("$ch06" classify --model "$dir/run/review_classifier.safetensors" --text "You are a winner" | cut -f1)
case "$answer" in spam|"not spam") ;; *) echo "FAIL: classify answered '$answer'"; fail=1;; esac
expect "exceeds the model's context length" "$ch06" --weights "$dir/tiny/weights.safetensors" --max-length 100 finetune --out "$dir/run"
rm -rf "$dir"
exit $fail
