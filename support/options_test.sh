#!/usr/bin/env bash
# Every numeric option of every program and subcommand, given nan, inf, -inf
# and a negative number, must be refused at once: a non-zero exit below 128
# (no crash), within a few seconds (no model built first), with a message that
# names the option. The options are read from each program's --help, so a new
# option is walked without changing this script.
# Arguments: the programs.
set -u
fail=0 checked=0
walk() {  # walk PROGRAM [SUBCOMMAND]
  local prog=$1; shift
  local help
  help=$("$prog" "$@" --help 2>&1)
  # option lines: "  --name INT:..." / "UINT" / "FLOAT" (CLI11's type names)
  local opts
  opts=$(grep -oE -- '^ +(-[a-z], *)?--[a-z0-9-]+ +(INT|UINT|FLOAT)' <<<"$help" | grep -oE -- '--[a-z0-9-]+')
  for opt in $opts; do
    for v in nan inf -inf -3; do
      local out rc
      out=$(timeout 10 "$prog" "$@" "$opt" "$v" 2>&1); rc=$?
      checked=$((checked + 1))
      if [ $rc -eq 0 ] || [ $rc -ge 124 ] || ! grep -q -- "$opt" <<<"$out"; then
        echo "FAIL: $prog $* $opt $v (exit $rc): $(head -c 200 <<<"$out" | tr '\n' ' ')"; fail=1
      fi
    done
  done
  # subcommands, one level down
  if [ $# -eq 0 ]; then
    for sub in $(sed -n '/^Subcommands:/,$p' <<<"$help" | awk 'NR > 1 && NF {print $1}'); do walk "$prog" "$sub"; done
  fi
}
for p in "$@"; do walk "$p"; done
echo "$checked option values checked in $# programs"
exit $fail
