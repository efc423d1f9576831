# Sourced by the command-line tests: expect "what the message must contain"
# command... runs the command and fails the test (fail=1) unless it exits
# non-zero without a crash and says what is wanted.
fail=0
expect() {
  local want=$1; shift
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ $rc -eq 0 ] || [ $rc -ge 128 ] || ! grep -qi -- "$want" <<<"$out"; then
    echo "FAIL: $* (exit $rc) should say '$want', said: $out"; fail=1
  else
    echo "ok: $* -> $(tail -1 <<<"$out")"
  fi
}
