#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A datapath that stops being local leaves nothing in the maps: two
# switches with a bound port each; unbinding one port (its switch is no
# longer local) and deleting the other switch in the NB bring ovn_dps,
# ovn_stages, ovn_cls, ovn_ports and ovn_mcgroups back to empty.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")

entries() { bpftool -j map dump pinned "$T_PIN/$1" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
counts() { echo "dps=$(entries ovn_dps) stages=$(entries ovn_stages) cls=$(entries ovn_cls) ports=$(entries ovn_ports) mc=$(entries ovn_mcgroups)"; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
for s in 1 2; do
    ovn-nbctl ls-add sw-dpd$s
    ovn-nbctl lsp-add sw-dpd$s lp-dpd$s -- lsp-set-addresses lp-dpd$s "00:00:00:0e:00:0$s 10.249.$s.10" \
        -- lsp-set-port-security lp-dpd$s "00:00:00:0e:00:0$s 10.249.$s.10"
    ip link del tdpd$s 2>/dev/null
    ip link add tdpd$s type veth peer name tdpd${s}p && on_exit ip link del tdpd$s
    ip link set tdpd$s up; ip link set tdpd${s}p up
done
check "ovnbpfd starts" daemon_start
empty=$(counts)
echo "# before: $empty"
check "bind 1" "${CTL[@]}" bind tdpd1 lp-dpd1
check "bind 2" "${CTL[@]}" bind tdpd2 lp-dpd2
check "ports up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-dpd1) == up && \$(ovn-nbctl lsp-get-up lp-dpd2) == up ]]"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync
both=$(counts)
echo "# two switches: $both"
check "two datapaths installed" test "$(entries ovn_dps)" -eq 2
one_cls=$(( $(entries ovn_cls) ))

check "unbind 1" "${CTL[@]}" unbind tdpd1
check "switch 1 gone: one datapath" wait_until 5 bash -c "[[ \$(bpftool -j map dump pinned $T_PIN/ovn_dps | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 1 ]]"
sleep 0.5
mid=$(counts)
echo "# one switch: $mid"
check "its cells removed" test "$(entries ovn_cls)" -lt "$one_cls"

ovn-nbctl --timeout=15 --wait=hv ls-del sw-dpd2
sleep 0.5
after=$(counts)
echo "# none: $after"
check "ls-del: maps back to where they started ($empty)" test "$after" == "$empty"

if [[ $T_FAILED -ne 0 ]]; then
    tail -20 "$T_DIR/ovnbpfd.log" >&2
fi
