#!/bin/bash
# Whole-process `ch02 encode --ordinary TEXT > file` on 1 thread (unpinned, and
# pinned to each core) and on 2 threads, ROUNDS rounds alternating: the
# fastest and the median of each, and the ids compared. The two vCPUs of this
# machine kind are not always equally fast (a neighbour on the host), so the
# 2-thread time is compared with the faster single core as well.
# usage: notes/tools/tokenizer_scaling.sh TEXT [ROUNDS]   (from the project root, after a build)
text=$1; rounds=${2:-7}; bin=build/ch02/ch02; out=$(mktemp -d)
declare -A times
for r in $(seq "$rounds"); do
  for k in 1 c0 c1 2; do
    case $k in 1) pre=(); t=1;; 2) pre=(); t=2;; c*) pre=(taskset -c "${k#c}"); t=1;; esac
    s=$(date +%s%N)
    OMP_NUM_THREADS=$t "${pre[@]}" "$bin" encode --ordinary "$text" > "$out/ids.$k"
    e=$(date +%s%N)
    times[$k]+="$(( (e - s) / 1000000 )) "
  done
done
cmp -s "$out/ids.1" "$out/ids.2" && same=identical || same=DIFFERENT
python3 - "$(stat -c %s "$text")" "$same" "${times[1]}" "${times[c0]}" "${times[c1]}" "${times[2]}" <<'PY'
import statistics, sys
size, same = int(sys.argv[1]), sys.argv[2]
runs = {k: [int(x) / 1000 for x in v.split()] for k, v in zip(["1 thread", "1 thread on core 0", "1 thread on core 1", "2 threads"], sys.argv[3:])}
for k, v in runs.items():
    print(f"ours ch02 encode --ordinary, whole process, {k}: fastest {min(v):.3f} s ({size / min(v) / 1e6:.1f} MB/s), median {statistics.median(v):.3f} s")
one, two = runs["1 thread"], runs["2 threads"]
fast_core = min(min(runs["1 thread on core 0"]), min(runs["1 thread on core 1"]))
print(f"scaling: fastest {min(one) / min(two):.2f}x, median {statistics.median(one) / statistics.median(two):.2f}x, "
      f"against the faster core's fastest {fast_core / min(two):.2f}x; ids {same} for 1 and 2 threads")
PY
rm -rf "$out"
