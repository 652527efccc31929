#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# acl_scale.sh [pg|nopg] [N_PORTS]: the OVN performance article's seed
# scenario against ovnbpfd.  N_PORTS (1000) veth pairs (host ends) bound to
# lsp1..lspN, then /work/shared/corpus/scripts/topo-scale-pg.sh builds one
# switch, a 1,021-address set and either one port-group ACL (pg) or one ACL
# per port (nopg).  Prints: map entries (classifier flows, set members,
# ports/VIFs, and what bpftool counts in each hash/LPM map), convergence
# after the bulk load (`ovn-nbctl --wait=hv sync`), one more port added with
# --wait=hv, and the daemon's RSS.
. "$(dirname "$0")/../system/lib.sh"
need_root

MODE=${1:-pg}
NP=${2:-1000}
CORPUS=${OVNBPF_CORPUS:-/work/shared/corpus}/scripts
CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
RUN=$T_DIR/ovn
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
stat() { "${CTL[@]}" --json engine-stats | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
map_count() { bpftool -j map dump pinned "$T_PIN/$1" 2>/dev/null | python3 -c "import json,sys; print(len(json.load(sys.stdin)))" 2>/dev/null || echo 0; }

"$CORPUS/start-ovn.sh" --fresh "$RUN" >/dev/null || { not_ok "start-ovn"; exit 1; }
on_exit "$CORPUS/stop-ovn.sh" "$RUN"
. "$RUN/env.sh"
export OVN_NB_DB OVN_SB_DB

# Interfaces and bindings first: the ports claim themselves as they appear.
for ((k = 1; k <= NP + 1; k++)); do
    ip link del "tas$k" 2>/dev/null
    echo "link add tas$k type veth peer name tasp$k"
    echo "link set tas$k up"
done | ip -batch - || { not_ok "veth interfaces"; exit 1; }
on_exit 'for ((k = 1; k <= NP + 1; k++)); do echo "link del tas$k"; done | ip -batch -'
daemon_start || { not_ok "ovnbpfd starts"; exit 1; }
t0=$(now)
pairs=()
for ((k = 1; k <= NP + 1; k++)); do pairs+=("tas$k" "lsp$k"); done
"${CTL[@]}" bind "${pairs[@]}" >/dev/null || { not_ok "batch bind"; exit 1; }
echo "bind ${NP}+1 interfaces (one batch ovnbpfctl bind): $(since "$t0") s"

args=(--no-pause)
[[ $MODE == nopg ]] && args+=(--no-pg)
pu0=$(stat pass_us_total); pa0=$(stat passes)
t0=$(now)
"$CORPUS/topo-scale-pg.sh" "${args[@]}" "$NP" "$RUN" | tail -1
t_load=$(since "$t0")
t0=$(now)
ovn-nbctl --timeout=600 --wait=hv sync
t_conv=$(since "$t0")
up=$(ovn-nbctl --bare --columns=up list Logical_Switch_Port | grep -c true)
echo "bulk load (NB + northd, script): $t_load s; then --wait=hv sync: $t_conv s; ports up: $up"
# Where the time goes: the daemon's own engine passes (compile, map
# writes, commit) during the load, from its counters.
pu1=$(stat pass_us_total); pa1=$(stat passes)
echo "  daemon engine passes during the load: $((pa1 - pa0)), busy $(( (pu1 - pu0) / 1000 )) ms" \
     "(longest pass $(( $(stat pass_us_max) / 1000 )) ms, commits $(( $(stat commit_us_total) / 1000 )) ms in all)"

# Breakdown of one --wait=hv on a port not counted below: northd alone
# (--wait=sb), then what --wait=hv adds (daemon pass + nb_cfg round trip).
bp=lsp$((NP + 2))
bmac=0a:01:00:00:$(printf '%02x:%02x' $(( (NP + 2) >> 8 )) $(( (NP + 2) & 255 )))
bip=10.0.$(( (NP + 3) >> 8 )).$(( (NP + 3) & 255 ))
pu0=$(stat pass_us_total)
t0=$(now)
ovn-nbctl --wait=sb lsp-add ls1 "$bp" -- lsp-set-addresses "$bp" "$bmac $bip" \
    -- lsp-set-port-security "$bp" "$bmac $bip"
t_sb=$(since "$t0")
t0=$(now)
ovn-nbctl --wait=hv sync
t_hv=$(since "$t0")
echo "  breakdown, one port: --wait=sb (northd) $t_sb s; then --wait=hv sync $t_hv s;" \
     "daemon busy $(( ($(stat pass_us_total) - pu0) / 1000 )) ms in its passes"
t0=$(now)
ovn-nbctl --wait=sb sync
t_sb0=$(since "$t0")
t0=$(now)
ovn-nbctl --wait=hv sync
echo "  with nothing to do: --wait=sb sync $t_sb0 s (one northd round), --wait=hv sync $(since "$t0") s"
# The same no-op round trip by timestamps: northd saw NB nb_cfg (then
# recomputes and writes SB_Global.nb_cfg), the daemon acked it in
# Chassis_Private.  (NB hv_cfg_timestamp is the chassis' ack time copied,
# so the remainder of --wait=hv is northd's processing of the ack.)
ts_nb=$(ovn-nbctl get NB_Global . nb_cfg_timestamp)
ts_ack=$(ovn-sbctl --bare --columns=nb_cfg_timestamp find Chassis_Private name="${T_CHASSIS:-$T_NAME}")
echo "  timestamps: northd saw nb_cfg -> daemon ack: $((ts_ack - ts_nb)) ms (northd's round included)"
ovn-nbctl --wait=sb lsp-del "$bp"

# One more port (and, with pg, its port-group membership).
ip=10.0.$(( (NP + 2) >> 8 )).$(( (NP + 2) & 255 ))
mac=0a:01:00:00:$(printf '%02x:%02x' $(( (NP + 1) >> 8 )) $(( (NP + 1) & 255 )))
p=lsp$((NP + 1))
f0=$(stat flows_compiled)
t0=$(now)
if [[ $MODE == nopg ]]; then
    ovn-nbctl --wait=hv lsp-add ls1 "$p" -- lsp-set-addresses "$p" "$mac $ip" \
        -- lsp-set-port-security "$p" "$mac $ip" \
        -- acl-add ls1 to-lport 1001 "outport == \"$p\" && ip4.src == \$set1" allow
else
    ovn-nbctl --wait=hv lsp-add ls1 "$p" -- lsp-set-addresses "$p" "$mac $ip" \
        -- lsp-set-port-security "$p" "$mac $ip" \
        -- --id=@p get Logical_Switch_Port "$p" 2>/dev/null ||
    ovn-nbctl --wait=hv lsp-add ls1 "$p" -- lsp-set-addresses "$p" "$mac $ip" \
        -- lsp-set-port-security "$p" "$mac $ip"
    t1=$(since "$t0")
    uuid=$(ovn-nbctl --bare --columns=_uuid find Logical_Switch_Port name="$p")
    t2=$(now)
    ovn-nbctl --wait=hv add Port_Group pg1 ports "$uuid"
    echo "  (lsp-add --wait=hv: $t1 s; pg add --wait=hv: $(since "$t2") s)"
fi
t_one=$(since "$t0")
f1=$(stat flows_compiled)
echo "one port added (--wait=hv): $t_one s; logical flows compiled for it: $((f1 - f0))"

pid=$(<"$T_DIR/ovnbpfd.pid")
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
echo "daemon RSS: $rss kB"
"${CTL[@]}" engine-stats
cls=$(map_count ovn_cls); sh=$(map_count ovn_set_hash); sl=$(map_count ovn_set_lpm)
ports=$(map_count ovn_ports); vifs=$(map_count ovn_vifs); stages=$(map_count ovn_stages)
mcg=$(map_count ovn_mcgroups)
fl=$(stat map_flow_recs); pr=$(stat map_progs); su=$(stat map_subtables)
total=$((cls + sh + sl + ports + vifs + stages + mcg + fl + pr + su))
echo "map entries: ovn_cls=$cls ovn_flows=$fl ovn_progs=$pr ovn_subtables=$su ovn_stages=$stages" \
     "ovn_set_hash=$sh ovn_set_lpm=$sl ovn_ports=$ports ovn_vifs=$vifs ovn_mcgroups=$mcg total=$total"
echo "RESULT mode=$MODE ports=$NP total_entries=$total converge_s=$t_conv one_port_s=$t_one rss_kb=$rss"
