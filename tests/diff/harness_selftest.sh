#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/diff/harness_selftest.sh: the diff harness's comparison side, tested
# before `ovnbpfctl trace` exists.  A stand-in ovnbpfctl
# (fake_ovnbpfctl.py) answers with ovn-trace's own verdict, intact or
# damaged, and we check what the harness reports: agreement (including
# ct_lb_mark/select alternatives), mismatches with both traces side by
# side, bad JSON, xfail bookkeeping, and the SKIP when nothing is built.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
N=diff/harness_selftest
command -v ovn-trace >/dev/null || { echo "ok - $N: all # SKIP ovn-trace not installed"; exit 0; }
W=$(mktemp -d /tmp/ovnbpf-diff-selftest.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/build"
export OVNBPF_DIFF_WORKDIR=$W     # failing runs keep their OVN logs here
ln -s "$HERE/fake_ovnbpfctl.py" "$W/build/ovnbpfctl"
# The topologies without their differs= marks: the stand-in agrees with
# ovn-trace everywhere, which is what these checks are about.
mkdir -p "$W/topo"
for f in "$HERE"/topo/*.topo; do
    sed 's/ differs="[^"]*"//' "$f" > "$W/topo/${f##*/}"
done
T=("$W/topo/01-l2-switch.topo" "$W/topo/03-lb.topo" "$W/topo/05-ecmp.topo")
fail=0
ok()     { echo "ok - $N: $*"; }
not_ok() { echo "not ok - $N: $*"; fail=1; }
run() {   # run MODE OUTFILE ARGS...: the harness with the fake ovnbpfctl
    local mode=$1 out=$2; shift 2
    FAKE_MODE=$mode OVNBPF_BUILDDIR=$W/build python3 "$HERE/harness.py" "$@" > "$out" 2>&1
}
count() { grep -cE "$1" "$2"; }

# 0. the converter on stored ovn-trace outputs (fixtures/*.trace, with the
#    verdict checked by hand in fixtures/*.json): flood, ARP and ND
#    responders, router hops, NS and ICMP generation, LB, ECMP, NAT, drops.
if python3 - "$HERE" <<'PY'
import glob, json, sys
sys.path.insert(0, sys.argv[1])
import ovntrace_json
bad = 0
files = sorted(glob.glob(sys.argv[1] + "/fixtures/*.json"))
for f in files:
    want = json.load(open(f))
    got = ovntrace_json.convert(open(f[:-5] + ".trace").read(),
                                want["microflow"], want["lb_dst"])
    if got != want["expect"]:
        bad += 1
        print("#   %s:\n#     got  %s\n#     want %s"
              % (f, json.dumps(got), json.dumps(want["expect"])))
print("# %d fixtures, %d differ" % (len(files), bad))
sys.exit(1 if bad or len(files) < 10 else 0)
PY
then ok "converter reproduces the stored fixtures"; else not_ok "converter fixtures"; fi

# 1. an exact copy of ovn-trace's verdict agrees everywhere, whichever
#    backend / ECMP member it picked.
for mode in echo lastchoice; do
    if [[ $mode == echo ]]; then args=("${T[@]}"); min=20; else args=("${T[@]:1}"); min=8; fi
    run $mode "$W/$mode.out" "${args[@]}"; rc=$?
    n=$(count '^ok - diff/' "$W/$mode.out")
    if ((rc == 0 && n >= min)) && ! grep -q '^not ok\|# SKIP' "$W/$mode.out"; then
        ok "FAKE_MODE=$mode: $n cases agree"
    else
        not_ok "FAKE_MODE=$mode: status $rc, $n agreeing"; sed 's/^/#   /' "$W/$mode.out" | head -40
    fi
done

# 2. one TTL off: every routed case differs, names the header, shows both
#    traces side by side.
run ttl "$W/ttl.out" -t ping-across "$W/topo/04-router.topo"; rc=$?
if ((rc == 1)) && grep -q '^not ok - diff/04-router: ping-across \[router\]: at ls-b/vb: ip.ttl=62 (ovn-trace 63)' "$W/ttl.out" \
        && grep -q '^# ovn-trace --detailed *| ovnbpfctl trace' "$W/ttl.out" \
        && grep -q '^# ovnbpfctl: {' "$W/ttl.out"; then
    ok "FAKE_MODE=ttl: mismatch reported with the header and both traces"
else
    not_ok "FAKE_MODE=ttl: status $rc"; sed 's/^/#   /' "$W/ttl.out" | head -20
fi

# 3. a drop where ovn-trace outputs, and outputs where it drops.
run drop "$W/drop.out" -t spoofed-eth-src "$W/topo/01-l2-switch.topo"; rc1=$?
run drop "$W/drop2.out" -t unicast-known-ip4 "$W/topo/01-l2-switch.topo"; rc2=$?
if ((rc1 == 1 && rc2 == 1)) && grep -q "we drop in ls_in_check_port_sec, ovn-trace in ls_in_apply_port_sec" "$W/drop.out" \
        && grep -q "we drop (.*), ovn-trace outputs to \['p2'\]" "$W/drop2.out"; then
    ok "FAKE_MODE=drop: wrong drop stage and wrong verdict both reported"
else
    not_ok "FAKE_MODE=drop: status $rc1/$rc2"; sed 's/^/#   /' "$W/drop.out" "$W/drop2.out" | head -20
fi

# 4. output that is not JSON
run garbage "$W/garbage.out" -t unicast-known-ip4 "$W/topo/01-l2-switch.topo"; rc=$?
if ((rc == 1)) && grep -q "printed no JSON" "$W/garbage.out"; then
    ok "FAKE_MODE=garbage: reported as not ok"
else
    not_ok "FAKE_MODE=garbage: status $rc"; sed 's/^/#   /' "$W/garbage.out" | head
fi

# 5. differs=: differing is a SKIP, agreeing is "now agrees: flip it".
sed 's/^\(case unicast-known-ip4 l2 sw0\)/\1 differs="#99 fake feature"/' \
    "$W/topo/01-l2-switch.topo" > "$W/xf.topo"
run echo "$W/xpass.out" -t unicast-known-ip4 "$W/xf.topo"; rc1=$?
run drop "$W/xfail.out" -t unicast-known-ip4 "$W/xf.topo"; rc2=$?
if ((rc1 == 1 && rc2 == 0)) && grep -q "^not ok .*now agrees: flip it" "$W/xpass.out" \
        && grep -q "^ok - diff/xf: unicast-known-ip4 \[l2\] # SKIP expected to differ: #99 fake feature" "$W/xfail.out"; then
    ok "differs=: expected difference skipped, agreement says flip it"
else
    not_ok "differs=: status $rc1/$rc2"; sed 's/^/#   /' "$W/xpass.out" "$W/xfail.out" | head -20
fi

# 6. nothing built: every case still runs ovn-trace, and SKIPs.
OVNBPF_BUILDDIR=$W/none python3 "$HERE/harness.py" "$W/topo/01-l2-switch.topo" > "$W/none.out" 2>&1; rc=$?
n=$(count '# SKIP ovnbpfctl trace not built yet$' "$W/none.out")
if ((rc == 0 && n >= 10)) && ! grep -q '^not ok' "$W/none.out"; then
    ok "no ovnbpfctl: $n cases SKIP after their ovn-trace side ran"
else
    not_ok "no ovnbpfctl: status $rc, $n skipped"; sed 's/^/#   /' "$W/none.out" | head
fi
exit $fail
