#!/usr/bin/env bash
# Appendix A.9's data-parallel training under mpirun, with a small model on a
# corpus of the-verdict (dropout off, so that two ranks must compute what one
# process computes):
#   1. two ranks log the losses one process logs (rank 0 alone prints);
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
small=(train --corpus "$work/corpus" --emb-dim 32 --n-layers 2 --n-heads 2 --context-length 32
       --batch-size 4 --drop-rate 0 --lr 1e-3 --eval-iter 2)

# 1. the same losses from one process and from two ranks
"$ch05" "${small[@]}" --epochs 2 --eval-freq 5 --out "$work/one" >"$work/one.log" 2>&1
check $? "one process trains"
$mpirun 2 "$ch05" "${small[@]}" --epochs 2 --eval-freq 5 --out "$work/two" >"$work/two.log" 2>&1
check $? "two ranks train"
grep -q "data-parallel training: 2 ranks, each 2 of every batch's 4 windows" "$work/two.log"
check $? "rank 0 says how the batch is shared"
n1=$(grep -c '^Ep ' "$work/one.log"); n2=$(grep -c '^Ep ' "$work/two.log")
[ "$n1" -gt 10 ] && [ "$n1" -eq "$n2" ]
check $? "rank 0 alone logs, as many evaluations as one process ($n1, $n2)"
paste <(grep '^Ep ' "$work/one.log") <(grep '^Ep ' "$work/two.log") | awk -F'\t' '
  { split($1, a, /loss /); split($2, b, /loss /)
    for (i = 2; i <= 3; i++) { d = a[i] - b[i]; if (d < 0) d = -d; if (d > 0.002) { print "differs: " $0; bad = 1 } } }
  END { exit bad }'
check $? "two ranks log the losses of one process (within 0.002)"
[ -f "$work/two/model.safetensors" ] && [ -f "$work/two/loss.csv" ]
check $? "rank 0 writes the model and the losses"

# 2. a rank that dies stops the job
$mpirun 2 "$ch05" "${small[@]}" --epochs 100000 --eval-freq 50 --out "$work/dies" >"$work/dies.log" 2>&1 &
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
$mpirun 2 "$ch05" "${small[@]}" --epochs 6 --eval-freq 1 --out "$work/int" >"$work/int.log" 2>&1 &
job=$!
for _ in $(seq 100); do [ -n "$(rank_pid 1)" ] && grep -q '^Ep ' "$work/int.log" && break; sleep 0.2; done
kill -INT "$(rank_pid 1)" 2>/dev/null
for _ in $(seq 300); do kill -0 $job 2>/dev/null || break; sleep 0.1; done
kill -0 $job 2>/dev/null && kill -9 $job
wait $job; rc=$?
grep -q "Interrupted after step .*saved a resumable checkpoint" "$work/int.log" && [ $rc -ne 0 ] &&
  [ "$(grep -c 'Interrupted after step' "$work/int.log")" -eq 1 ] && [ -d "$work/int/checkpoint" ]
check $? "Ctrl-C on rank 1 stops both ranks with one checkpoint (exit $rc): $(grep -m1 Interrupted "$work/int.log")"
"$ch05" "${small[@]}" --epochs 6 --eval-freq 1 --out "$work/int" --resume "$work/int/checkpoint" >"$work/resume.log" 2>&1
check $? "one process resumes the two ranks' checkpoint and finishes: $(grep -m1 resuming "$work/resume.log")"
grep -q "^wrote " "$work/resume.log"
check $? "the resumed run writes its model"
[ $fail -eq 0 ] || { echo "--- logs"; tail -5 "$work"/*.log; }
exit $fail
