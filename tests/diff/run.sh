#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/diff/run.sh [-t FILTER] [--dump] [--results] [TOPO_FILE...]
#
# Differential test of our datapath against ovn-trace: for every topology
# in tests/diff/topo/*.topo, a private OVN central, the topology built
# with ovn-nbctl, and per case the verdict of `ovnbpfctl trace --json`
# compared with real ovn-trace's.  TAP lines; see tests/diff/README.md.
#   --dump      also print each case's ovn-trace verdict as JSON
#   --results   rewrite tests/diff/RESULTS.md (agreement per topology)
exec python3 "$(dirname "$(readlink -f "$0")")/harness.py" "$@"
