#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/run.sh [-t FILTER]: run every test suite and print one summary.
#
#   1. build/test_progs        C unit tests and BPF_PROG_TEST_RUN tests
#   2. tests/fuzz              each libFuzzer target for a bounded time
#   3. tests/system/*.sh       netns + real ovsdb-server/ovn-northd + traffic
#   4. tests/diff/*.sh         our datapath against ovn-trace
#
# Scripts report in TAP style, one line per case: "ok - NAME",
# "not ok - NAME", "ok - NAME # SKIP why".  A script that exits non-zero
# without reporting a failure counts as one failure.  The last line is
# "N passed, N failed, N skipped"; the exit status is 1 if anything failed.
set -u
cd "$(dirname "$(readlink -f "$0")")/.."
export OVNBPF_SRCDIR=$PWD
export OVNBPF_BUILDDIR=${OVNBPF_BUILDDIR:-$PWD/build}
B=$OVNBPF_BUILDDIR
FILTER=""
while (($#)); do
    case $1 in
        -t) FILTER=$2; shift ;;
        -h|--help) sed -n '4,14p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

passed=0 failed=0 skipped=0
failures=()
log=$(mktemp -d /tmp/ovnbpf-tests.XXXXXX)

count_tap() {   # count_tap SUITE OUTFILE EXIT
    local suite=$1 out=$2 rc=$3 p s f
    p=$(grep -cE '^ok\b' "$out" | head -1)
    s=$(grep -cE '^ok\b.*# *SKIP' "$out" | head -1)
    f=$(grep -cE '^not ok\b' "$out" | head -1)
    p=$((p - s))
    if ((rc != 0 && f == 0)); then
        f=1
        echo "not ok - $suite exited with status $rc"
    fi
    passed=$((passed + p)); skipped=$((skipped + s)); failed=$((failed + f))
    if ((f)); then failures+=("$suite"); fi
}

selected() { [[ -z $FILTER || $1 == *$FILTER* ]]; }

# 1. test_progs
if [[ -x $B/test_progs ]]; then
    echo "=== test_progs"
    args=()
    [[ -n $FILTER ]] && args=(-t "$FILTER")
    "$B/test_progs" "${args[@]}" | tee "$log/test_progs.out"
    rc=${PIPESTATUS[0]}
    line=$(tail -n 1 "$log/test_progs.out")
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
        skipped=$((skipped + BASH_REMATCH[3]))
        ((BASH_REMATCH[2])) && failures+=("test_progs")
    else
        failed=$((failed + 1)); failures+=("test_progs (no summary, status $rc)")
    fi
else
    echo "not ok - $B/test_progs is not built"
    failed=$((failed + 1)); failures+=("test_progs (not built)")
fi

# 2. fuzz targets, bounded: FUZZ_SECONDS each (default 20).
for f in "$B"/fuzz/*; do
    [[ -x $f ]] || continue
    name=fuzz/$(basename "$f")
    selected "$name" || continue
    echo "=== $name"
    corpus=tests/fuzz/corpus/$(basename "$f")
    work=$log/$(basename "$f").corpus
    mkdir -p "$work"
    [[ -d $corpus ]] && cp -r "$corpus"/. "$work"/
    if "$f" -max_total_time="${FUZZ_SECONDS:-20}" -rss_limit_mb=2048 \
            -artifact_prefix="$log/" "$work" > "$log/$(basename "$f").out" 2>&1; then
        echo "ok - $name"; passed=$((passed + 1))
    else
        tail -n 40 "$log/$(basename "$f").out"
        echo "not ok - $name (crash artifacts in $log)"
        failed=$((failed + 1)); failures+=("$name")
    fi
done

# 3-4. script suites
for s in tests/system/*.sh tests/diff/*.sh; do
    [[ -f $s ]] || continue
    [[ $(basename "$s") == lib*.sh ]] && continue
    selected "$s" || continue
    echo "=== $s"
    out=$log/$(echo "$s" | tr / _).out
    timeout "${SUITE_TIMEOUT:-900}" bash "$s" 2>&1 | tee "$out"
    count_tap "$s" "$out" "${PIPESTATUS[0]}"
done

echo
if ((${#failures[@]})); then
    echo "Failed suites: ${failures[*]} (logs in $log)"
fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
