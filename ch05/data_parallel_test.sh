#!/usr/bin/env bash
# Appendix A.9's data-parallel training under mpirun, with a small model on a
# corpus of the-verdict (dropout off, so that two ranks must compute what one
# process computes):
#   1. two ranks with half the batch each give the losses and weights of one
#      process (rank 0 alone prints and writes);
#   2. a rank killed mid-run stops the whole job within seconds (no hang);
#   3. Ctrl-C (SIGINT) reaching one rank stops both after the same step with
#      one checkpoint, and one process resumes from it and finishes.
# Argument: the ch05 program. Needs mpirun (Open MPI).
set -u
ch05=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
export OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
# Open MPI's own allocations are not ours to check under LeakSanitizer.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
mpirun="mpirun --bind-to none -np"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() {  # check CONDITION-STATUS MESSAGE
  if [ "$1" -eq 0 ]; then echo "ok: $2"; else echo "FAIL: $2"; fail=1; fi
}
rank_pid() {  # the pid of rank $1 of the job, or nothing
  local p
  for p in $(pgrep -f "ch05 train"); do
    grep -qz "^OMPI_COMM_WORLD_RANK=$1$" "/proc/$p/environ" 2>/dev/null && { echo "$p"; return; }
  done
}

"$ch05" prepare --out "$work/corpus" "$root/data/the-verdict.txt" >/dev/null || { echo "FAIL: prepare"; exit 1; }
small=(train --corpus "$work/corpus" --emb-dim 32 --n-layers 2 --n-heads 2 --drop-rate 0 --lr 1e-3
       --eval-iter 2)
short=(--context-length 32 --batch-size 4)  # 36 steps per epoch

# 1. five steps of one process with batch 8 against two ranks with batch 4 each:
#    the same losses and weights, up to float32 rounding of the summation order
#    (the all-reduce adds the two halves' gradients in another order than one
#    backward does). AdamW divides by the gradient's running size, so an element
#    whose gradient is round-off noise (|g| ~ 1e-9) may move by up to lr per step
#    either way; the weights are therefore compared elementwise at 1e-5 with at
#    most 0.1% of the elements beyond it, and none beyond 2 x lr x steps.
five=(--context-length 112 --batch-size 8 --epochs 1 --eval-freq 1)  # 41 windows: 5 batches of 8
"$ch05" "${small[@]}" "${five[@]}" --out "$work/one" >"$work/one.log" 2>&1
check $? "one process trains"
$mpirun 2 "$ch05" "${small[@]}" "${five[@]}" --out "$work/two" >"$work/two.log" 2>&1
check $? "two ranks train"
grep -q "data-parallel training: 2 ranks, each 4 of every batch's 8 windows" "$work/two.log"
check $? "rank 0 says how the batch is shared"
n1=$(grep -c '^Ep ' "$work/one.log"); n2=$(grep -c '^Ep ' "$work/two.log")
[ "$n1" -eq 5 ] && [ "$n2" -eq 5 ]
check $? "five steps, rank 0 alone logs them ($n1, $n2)"
paste <(grep '^Ep ' "$work/one.log") <(grep '^Ep ' "$work/two.log") | awk -F'\t' '
  { if ($1 != $2) { print "differs: " $0; bad = 1 } } END { exit bad }'
check $? "two ranks log the losses of one process, digit for digit"
python3 - "$work/one/model.safetensors" "$work/two/model.safetensors" <<'PY'
import json, struct, sys
from array import array
def load(path):
    b = open(path, "rb").read(); n = struct.unpack("<Q", b[:8])[0]; h = json.loads(b[8:8 + n])
    out = {}
    for k, v in h.items():
        if k == "__metadata__": continue
        s, e = v["data_offsets"]; a = array("f"); a.frombytes(b[8 + n + s:8 + n + e]); out[k] = a
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a.keys() == b.keys(), "different tensors"
total = off = 0; worst = 0.0
for k in a:
    for x, y in zip(a[k], b[k]):
        d = abs(x - y); total += 1; worst = max(worst, d); off += d > 1e-5
print(f"{total} weights: {off} differ by more than 1e-5, the largest difference is {worst:.2e}")
sys.exit(0 if off <= total // 1000 and worst <= 2 * 1e-3 * 5 else 1)
PY
check $? "two ranks end with the weights of one process"

# 2. a rank that dies stops the job
$mpirun 2 "$ch05" "${small[@]}" "${short[@]}" --epochs 100000 --eval-freq 50 --out "$work/dies" >"$work/dies.log" 2>&1 &
job=$!
for _ in $(seq 100); do [ -n "$(rank_pid 1)" ] && grep -q '^Ep ' "$work/dies.log" && break; sleep 0.2; done
kill -9 "$(rank_pid 1)" 2>/dev/null
start=$SECONDS
for _ in $(seq 300); do kill -0 $job 2>/dev/null || break; sleep 0.1; done
if kill -0 $job 2>/dev/null; then kill -9 $job; check 1 "the job stops after a rank is killed (still running after 30 s)"
else
  wait $job; rc=$?
  [ $rc -ne 0 ] && [ $((SECONDS - start)) -le 20 ]
  check $? "the job stops within seconds after a rank is killed (exit $rc, $((SECONDS - start)) s): $(grep -m1 -i 'signal\|killed\|exited' "$work/dies.log")"
fi

# 3. Ctrl-C on one rank: both stop after the same step, one checkpoint; resume with one process
$mpirun 2 "$ch05" "${small[@]}" "${short[@]}" --epochs 2 --eval-freq 1 --out "$work/int" >"$work/int.log" 2>&1 &
job=$!
for _ in $(seq 100); do [ -n "$(rank_pid 1)" ] && grep -q '^Ep ' "$work/int.log" && break; sleep 0.2; done
kill -INT "$(rank_pid 1)" 2>/dev/null
for _ in $(seq 300); do kill -0 $job 2>/dev/null || break; sleep 0.1; done
kill -0 $job 2>/dev/null && kill -9 $job
wait $job; rc=$?
grep -q "Interrupted after step .*saved a resumable checkpoint" "$work/int.log" && [ $rc -ne 0 ] &&
  [ "$(grep -c 'Interrupted after step' "$work/int.log")" -eq 1 ] && [ -d "$work/int/checkpoint" ]
check $? "Ctrl-C on rank 1 stops both ranks with one checkpoint (exit $rc): $(grep -m1 Interrupted "$work/int.log")"
"$ch05" "${small[@]}" "${short[@]}" --epochs 2 --eval-freq 1 --out "$work/int" --resume "$work/int/checkpoint" >"$work/resume.log" 2>&1
check $? "one process resumes the two ranks' checkpoint and finishes: $(grep -m1 resuming "$work/resume.log")"
grep -q "^wrote " "$work/resume.log"
check $? "the resumed run writes its model"
[ $fail -eq 0 ] || { echo "--- logs"; tail -n 5 "$work"/*.log; }
exit $fail
