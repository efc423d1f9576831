#!/usr/bin/env bash
# ./book compare (what ./book bench --compare prints): a figure that moved the
# wrong way by more than the runs' noise is flagged, one within the noise or
# better is not, and runs of different machine kinds (vector_bits) are shown
# without flags. Argument: the project's root.
set -u
book="$1/book" dir=$(mktemp -d) fail=0
trap 'rm -rf "$dir"' EXIT
fig() { printf '"%s": {"value": %s, "unit": "%s"}' "$1" "$2" "$3"; }
run() {  # run NAME OLD_VECTOR_BITS NEW_VECTOR_BITS: two runs, sgemm 100 -> 90 (10% worse), step 2.0 -> 2.02 s (1% worse)
  echo "{$(fig run_noise 0.02 fraction), $(fig vector_bits "$2" bits), $(fig sgemm_gflops 100 GFLOP/s), $(fig step_s 2.0 s)}" >"$dir/old.json"
  echo "{$(fig run_noise 0.03 fraction), $(fig vector_bits "$3" bits), $(fig sgemm_gflops 90 GFLOP/s), $(fig step_s 2.02 s)}" >"$dir/new.json"
  "$book" compare "$dir/old.json" "$dir/new.json" 2>&1
}
expect() {  # expect WHAT OUTPUT PATTERN
  if grep -Eq -- "$3" <<<"$2"; then echo "ok: $1"; else echo "FAILED: $1 (no '$3' in:)"; echo "$2"; fail=1; fi
}
same=$(run same 256 256)
expect "same kind: sgemm 10% down is flagged" "$same" 'sgemm_gflops .*-10\.0%  WORSE'
expect "same kind: the step 1% slower is within 3% noise" "$same" 'step_s .*\+1\.0%$'
expect "same kind: one figure counted" "$same" '^1 figure\(s\) worse'
other=$(run other 512 256)
expect "different kinds: said" "$other" 'different machine kinds \(old: 512-bit vectors, new: 256-bit vectors\)'
expect "different kinds: shown" "$other" 'sgemm_gflops .*-10\.0%$'
if grep -q WORSE <<<"$other"; then echo "FAILED: a figure flagged across machine kinds"; fail=1; fi
out=$("$book" compare "$dir/old.json" "$dir/missing.json" 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q "usage: ./book compare" <<<"$out" && echo "ok: a missing file is refused" || { echo "FAILED: missing file ($rc): $out"; fail=1; }
exit $fail
