#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; python scripts
# Metrics and PMTUD health (issue 13).
#  - Traffic through the lab (echo passed and dropped, both families), then
#    `metrics IFACE`: promtool check metrics accepts it, and its packet and
#    byte counters, summed by reason and by (side, family, type, verdict),
#    equal what `stats --json` says at the same moment (audit mode's
#    would-drop counts included, with verdict pass); the per-source
#    table's occupancy, the live policy's digest, generation and the limits
#    it has are there too.
#  - PMTUD health: frag-needed and packet-too-big messages with chosen MTUs
#    (tools/lab/forge), valid ones and forged ones (quoting a packet this
#    host never sent, or reporting an MTU no smaller than the quote): the
#    histograms in `stats --json` and in the metrics have exactly the
#    buckets, counts and sums of the MTUs sent, split valid / forged;
#    `stats` prints a PMTUD section; `stats --reset` zeroes them.
#  - The README's ready queries parse (promtool check rules).
#  - `serve`: /metrics answers 200 with the same exposition (promtool
#    again), other paths 404, a second server on the same port fails with
#    one clear line, a bad --listen is a usage error, an interface
#    attached or detached while it runs shows in the next scrape, and
#    SIGTERM stops it with exit 0.
# Usage: test_metrics.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
lab_pair 2
IF=$(ifb 1)
IF2=$(ifb 2)
B4=$(addr4_b 1)
B6=$(addr6_b 1)
FORGE=$(dirname "$ICMPGATE")/tools/forge # tools/lab/forge.c
PORT=9797 # in B's own network namespace: no other test shares it
command -v promtool >/dev/null || die "promtool not found (make deps)"
command -v curl >/dev/null || die "curl not found (make deps)"
[ -x "$FORGE" ] || die "$FORGE not built (make all)"

expect_ok "attach $IF (default policy)" ig attach "$IF"
expect_ok "v4 echo-request pass" ig set "$IF" v4 echo-request pass
expect_ok "v6 echo-reply drop" ig set "$IF" v6 echo-reply drop
expect_ok "v4 info-request limit 50/s burst 5" \
	ig set "$IF" v4 info-request limit 50/s burst 5
expect_ok "v4 ping passes" ping_a4 1 -c 5 -i 0.05
expect_ok "v6 ping passes the default's limit" ping_a6 1 -c 3 -i 0.2
expect_ok "stats --reset" ig stats "$IF" --reset

# ---- counters: metrics against stats --json ----------------------------
expect_ok "v4 ping, 8 requests" ping_a4 1 -c 8 -i 0.05
expect_ok "v6 ping, 4 requests" ping_a6 1 -c 4 -i 0.2
# v6 echo-reply is dropped: a ping from B to A gets no answer back in.
expect_fail "v6 ping from B: its replies are dropped" \
	B ping -6 -n -q -c 3 -i 0.2 -W 1 "$(addr6_a 1)"
# Audit mode: what the policy would drop passes, counted as audit-*.
expect_ok "mode audit" ig set "$IF" mode audit
expect_ok "v6 echo-request drop (audited)" ig set "$IF" v6 echo-request drop
expect_ok "v6 ping passes in audit mode" ping_a6 1 -c 3 -i 0.2

# compare_stats FILE JSON: every packet and byte count of the exposition
# in FILE, summed by reason and by (side, family, type, total), against
# the stats --json in JSON. Prints "ok" or what differs.
compare_stats() {
	python3 - "$1" "$2" <<'EOF'
import json, re, sys
prom, js = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))
sample = re.compile(r'^(\w+)\{(.*)\} (\S+)$')
label = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
by_reason, by_type, bad = {}, {}, []
verdict_of = {"passed": "pass", "dropped": "drop", "rate_limited": "drop"}
total_of = {}
for line in prom.splitlines():
    m = sample.match(line)
    if not m or m.group(1) not in ("icmpgate_packets_total", "icmpgate_bytes_total"):
        continue
    l = dict(label.findall(m.group(2)))
    v = int(m.group(3))
    what = "packets" if m.group(1) == "icmpgate_packets_total" else "bytes"
    by_reason[(l["reason"], what)] = by_reason.get((l["reason"], what), 0) + v
    if l["type"]:
        k = (l["side"], l["family"], int(l["type"]), l["reason"], what)
        by_type[k] = by_type.get(k, 0) + v
for r, c in js["reasons"].items():
    for what in ("packets", "bytes"):
        got = by_reason.get((r, what), 0)
        if got != int(c[what]):
            bad.append("%s %s: metrics %d, stats %d" % (r, what, got, int(c[what])))
# Per type: stats splits by total; the metrics by reason and verdict.
totals = {}
for (side, fam, t, reason, what), v in by_type.items():
    if what != "packets":
        continue
    tot = ("would_drop" if reason.startswith("audit-") else
           "rate_limited" if reason.startswith("rate-limited") else
           "passed" if reason.startswith("pass") else "dropped")
    key = (side, fam, t, tot)
    totals[key] = totals.get(key, 0) + v
for e in js["types"]:
    for tot in ("passed", "dropped", "rate_limited", "would_drop"):
        key = (e["side"], e["family"], int(e["type"]), tot)
        if totals.pop(key, 0) != int(e.get(tot, 0)):
            bad.append("%s/%s/%s %s differs" % key)
bad += ["%s/%s/%s %s only in metrics" % k for k, v in totals.items() if v]
print("; ".join(bad) or "ok")
EOF
}

# counts JSONFILE: the counters of a stats --json, without its time stamp.
counts() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps({k: d[k] for k in ("totals", "types", "reasons", "pmtud")}, sort_keys=True))' "$1"
}

# snapshot: stats --json, metrics, stats --json again until the two stats
# agree (ND and MLD may cross the link in between), into M (the metrics)
# and J (the stats).
M=$LAB_TMP/metrics.prom
J=$LAB_TMP/stats.json
snapshot() {
	local try
	for try in 1 2 3 4 5 6 7 8 9 10; do
		ig stats "$IF" --json >"$J.0" || return 1
		ig metrics "$IF" >"$M" || return 1
		ig stats "$IF" --json >"$J" || return 1
		[ "$(counts "$J.0")" = "$(counts "$J")" ] && return 0
		log "try $try: the counters moved during the snapshot"
		sleep 0.2
	done
	return 1
}

expect_ok "a quiet moment: stats, metrics, stats agree" snapshot
expect_ok "promtool check metrics accepts 'metrics $IF'" \
	sh -c "promtool check metrics <'$M'"
expect_eq "packets and bytes by reason, side, family, type = stats --json" \
	"$(compare_stats "$M" "$J")" ok
expect_match "echo-request passed, with its name" "$(cat "$M")" \
	"^icmpgate_packets_total\\{interface=\"$IF\",side=\"host\",family=\"v4\",type=\"8\",type_name=\"echo-request\",reason=\"pass-rule\",verdict=\"pass\"\\} (8|9|1[0-9])\$"
expect_match "v6 echo-reply dropped by rule" "$(cat "$M")" \
	"^icmpgate_packets_total\\{interface=\"$IF\",side=\"host\",family=\"v6\",type=\"129\",type_name=\"echo-reply\",reason=\"drop-rule\",verdict=\"drop\"\\} 3\$"
expect_match "audit: v6 echo-request would be dropped, passed" "$(cat "$M")" \
	"^icmpgate_packets_total\\{interface=\"$IF\",side=\"host\",family=\"v6\",type=\"128\",type_name=\"echo-request\",reason=\"audit-drop-rule\",verdict=\"pass\"\\} 3\$"
expect_match "bytes of the same" "$(cat "$M")" \
	"^icmpgate_bytes_total\\{interface=\"$IF\",side=\"host\",family=\"v6\",type=\"129\",type_name=\"echo-reply\",reason=\"drop-rule\",verdict=\"drop\"\\} [1-9][0-9]*\$"
DIGEST=$(status_field "$IF" policy_digest)
GEN=$(status_field "$IF" generation)
expect_match "info: mode, layout and the digest status shows" "$(cat "$M")" \
	"^icmpgate_info\\{interface=\"$IF\",mode=\"[a-z]+\",dispatcher=\"[a-z]+\",layout=\"[0-9]+\",prog_id=\"[0-9]+\",netns=\"[0-9]+\",policy_digest=\"$DIGEST\"\\} 1\$"
expect_match "the generation status shows ($GEN)" "$(cat "$M")" \
	"^icmpgate_policy_generation\\{interface=\"$IF\"\\} $GEN\$"
expect_match "attached" "$(cat "$M")" "^icmpgate_attached\\{interface=\"$IF\"\\} 1\$"
# A class limit of ours, and the per-source one of the default policy's
# frag-needed (limit per-source 100/s burst 200).
expect_match "a class limit: its rate" "$(cat "$M")" \
	"^icmpgate_ratelimit_rate\\{interface=\"$IF\",side=\"host\",family=\"v4\",type=\"15\",type_name=\"info-request\",code=\"\",bucket=\"class\",unit=\"packets\"\\} 50\$"
expect_match "and its burst" "$(cat "$M")" \
	"^icmpgate_ratelimit_burst\\{interface=\"$IF\",side=\"host\",family=\"v4\",type=\"15\",type_name=\"info-request\",code=\"\",bucket=\"class\",unit=\"packets\"\\} 5\$"
expect_match "frag-needed's per-source rate: 100" "$(cat "$M")" \
	"^icmpgate_ratelimit_rate\\{interface=\"$IF\",side=\"host\",family=\"v4\",type=\"3\",type_name=\"dest-unreachable\",code=\"4\",bucket=\"source\",unit=\"packets\"\\} 100\$"
expect_match "and its burst: 200" "$(cat "$M")" \
	"^icmpgate_ratelimit_burst\\{interface=\"$IF\",side=\"host\",family=\"v4\",type=\"3\",type_name=\"dest-unreachable\",code=\"4\",bucket=\"source\",unit=\"packets\"\\} 200\$"
expect_fail "no limit left for v6 echo-request (now a drop rule)" \
	grep -q '^icmpgate_ratelimit_rate{.*family="v6",type="128"' "$M"
# A ping from A's one v6 address: one per-source bucket (10.199.1.1's v4
# echo-request is passed by rule, without buckets).
expect_match "per-source table: one source tracked" "$(cat "$M")" \
	"^icmpgate_sources_tracked\\{interface=\"$IF\"\\} 1\$"
expect_match "per-source table: capacity 262144 (the default)" "$(cat "$M")" \
	"^icmpgate_sources_capacity\\{interface=\"$IF\"\\} 262144\$"

expect_ok "mode enforce" ig set "$IF" mode enforce
expect_ok "unset v6 echo-request" ig unset "$IF" v6 echo-request

# ---- PMTUD health --------------------------------------------------------
# Each line: family outcome MTU COUNT QSRC QLEN. valid: quotes a packet
# from B (the error's destination), reports an MTU smaller than it, at
# least 68 / 1280. forged: quotes another source (invalid-source), or an
# MTU not smaller than the quoted packet (invalid-mtu).
PTB=$LAB_TMP/ptb.txt
cat >"$PTB" <<EOF
4 valid 576 1 $B4 1500
4 valid 1280 3 $B4 1500
4 valid 1400 2 $B4 1500
4 valid 1492 1 $B4 1500
4 valid 4000 1 $B4 9000
4 valid 9100 1 $B4 10000
4 forged 1300 2 10.199.1.77 1500
4 forged 1600 1 $B4 1500
6 valid 1280 2 $B6 1500
6 valid 1480 1 $B6 1500
6 valid 9001 1 $B6 12000
6 forged 1280 3 fd00:199:1::77 1500
6 forged 1420 1 $B6 1400
EOF
expect_ok "stats --reset" ig stats "$IF" --reset
while read -r fam _ mtu count qsrc qlen; do
	if [ "$fam" = 4 ]; then qdst=192.0.2.9; else qdst=2001:db8::9; fi
	A "$FORGE" ptb "$fam" "$([ "$fam" = 4 ] && echo "$B4" || echo "$B6")" \
		"$qsrc" "$qdst" "$mtu" "$count" "$qlen" ||
		fail_check "forge ptb $fam $mtu" "cannot send"
done <"$PTB"
sleep 0.3

# expected: the histograms PTB makes, as JSON (le bounds as metrics has).
BOUNDS="576 1280 1400 1420 1480 1492 1500 9000"
hist_check() { # hist_check SOURCE FILE
	python3 - "$1" "$2" "$PTB" "$BOUNDS" <<'EOF'
import json, re, sys
src, path, ptb, bounds = sys.argv[1], sys.argv[2], sys.argv[3], [int(b) for b in sys.argv[4].split()]
want = {}
for line in open(ptb):
    fam, outcome, mtu, count = line.split()[:4]
    h = want.setdefault(("v" + fam, outcome), {"n": 0, "sum": 0, "b": [0] * (len(bounds) + 1)})
    i = sum(int(mtu) > b for b in bounds)
    h["b"][i] += int(count)
    h["n"] += int(count)
    h["sum"] += int(mtu) * int(count)
got = {}
if src == "json":
    for e in json.load(open(path))["pmtud"]:
        got[(e["family"], e["outcome"])] = {
            "n": e["messages"], "sum": e["mtu_sum"],
            "b": [b["messages"] for b in e["buckets"]]}
        if [b["max_mtu"] for b in e["buckets"]] != bounds + [None]:
            print("bounds differ"); sys.exit()
else:
    lab = re.compile(r'(\w+)="([^"]*)"')
    for line in open(path):
        m = re.match(r'^icmpgate_pmtud_mtu_bytes_(bucket|sum|count)\{(.*)\} (\d+)$', line)
        if not m:
            continue
        l = dict(lab.findall(m.group(2)))
        h = got.setdefault((l["family"], l["outcome"]), {"n": 0, "sum": 0, "cum": []})
        if m.group(1) == "bucket":
            h["cum"].append((float(l["le"]), int(m.group(3))))
        else:
            h["n" if m.group(1) == "count" else "sum"] = int(m.group(3))
    for h in got.values():
        cum = sorted(h.pop("cum"))
        if [c[0] for c in cum] != [float(b) for b in bounds] + [float("inf")]:
            print("le bounds differ"); sys.exit()
        h["b"] = [c[1] - (cum[i - 1][1] if i else 0) for i, c in enumerate(cum)]
for fam in ("v4", "v6"):
    for o in ("valid", "forged"):
        w = want.get((fam, o), {"n": 0, "sum": 0, "b": [0] * (len(bounds) + 1)})
        g = got.get((fam, o))
        if g != w:
            print("%s %s: got %s, want %s" % (fam, o, g, w)); sys.exit()
print("ok")
EOF
}
expect_ok "stats --json" sh -c "nsenter --net=/run/netns/$NS_B '$ICMPGATE' stats '$IF' --json >'$LAB_TMP/pmtud.json'"
expect_eq "stats --json: PMTUD buckets, counts and sums = the MTUs sent" \
	"$(hist_check json "$LAB_TMP/pmtud.json")" ok
expect_ok "metrics" sh -c "nsenter --net=/run/netns/$NS_B '$ICMPGATE' metrics '$IF' >'$LAB_TMP/pmtud.prom'"
expect_eq "metrics: the PMTUD histograms = the MTUs sent" \
	"$(hist_check prom "$LAB_TMP/pmtud.prom")" ok
expect_ok "promtool accepts the histograms" \
	sh -c "promtool check metrics <'$LAB_TMP/pmtud.prom'"
grep -E '^icmpgate_pmtud_mtu_bytes_(bucket|sum|count)\{.*family="v4",outcome="valid"' "$LAB_TMP/pmtud.prom" | sed 's/^/# /'
expect_eq "forged ones counted invalid-source, as the PTB list says" \
	"$(stat_reason "$IF" invalid-source)" \
	"$(awk '$2 == "forged" && $5 ~ /::77$|\.77$/ {n += $4} END {print n}' "$PTB")"
expect_eq "and invalid-mtu" "$(stat_reason "$IF" invalid-mtu)" \
	"$(awk '$2 == "forged" && $5 !~ /::77$|\.77$/ {n += $4} END {print n}' "$PTB")"
run ig stats "$IF"
expect_match "stats prints a PMTUD section" "$OUT" \
	"^  pmtud +outcome +messages +mean +<=576 "
expect_match "with the v4 forged row" "$OUT" "^  v4 +forged +3 +1400 "
printf '%s\n' "$OUT" | sed -n '/pmtud/,$p' | sed 's/^/# /'
expect_ok "stats --reset" ig stats "$IF" --reset
expect_eq "the histograms are reset with the counters" \
	"$(ig stats "$IF" --json | python3 -c 'import json,sys; print(sum(e["messages"] for e in json.load(sys.stdin)["pmtud"]))')" 0

# ---- every attached interface ---------------------------------------------
run ig metrics
expect_eq "metrics without IFACE exits 0" "$RC" 0
expect_match "and includes $IF" "$OUT" "^icmpgate_attached\\{interface=\"$IF\"\\} 1\$"
printf '%s\n' "$OUT" >"$LAB_TMP/all.prom"
expect_ok "promtool accepts every interface's metrics" \
	sh -c "promtool check metrics <'$LAB_TMP/all.prom'"
run ig metrics nosuch$$
expect_error "metrics of an interface not attached"

# ---- the README's queries --------------------------------------------------
README=$(dirname "$0")/../../README.md
python3 - "$README" >"$LAB_TMP/rules.yml" <<'EOF'
import json, sys
s = open(sys.argv[1]).read()
blk = s[s.index("Ready queries:"):]
blk = blk[blk.index("```") + 4:]
blk = blk[:blk.index("```")]
exprs, cur = [], ""
for line in blk.splitlines() + [""]:
    if line.startswith("#") or not line.strip():
        if cur:
            exprs.append(cur.strip())
        cur = ""
    else:
        cur += " " + line.strip()
print("groups:\n- name: readme\n  rules:")
for i, e in enumerate(exprs):
    print("  - record: icmpgate_readme_%d\n    expr: %s" % (i, json.dumps(e)))
EOF
expect_match "the README has ready queries" "$(cat "$LAB_TMP/rules.yml")" \
	'icmpgate_readme_5'
expect_ok "promtool parses every one" promtool check rules "$LAB_TMP/rules.yml"

# ---- serve ----------------------------------------------------------------
run ig serve "$IF" --listen 127.0.0.1
expect_error "serve --listen without a port"
expect_eq "is a usage error" "$RC" 2
run ig serve "$IF" --listen localhost:80
expect_error "serve --listen with a name, not an address"

SERVE_ERR=$LAB_TMP/serve.err
bg_start sh -c "exec nsenter --net=/run/netns/$NS_B '$ICMPGATE' serve --listen 127.0.0.1:$PORT >'$SERVE_ERR' 2>&1"
SERVE_PID=${BG_PIDS[-1]}
for _ in $(seq 50); do
	B curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics" && break
	sleep 0.1
done
expect_eq "GET /metrics: 200" \
	"$(B curl -s -o "$LAB_TMP/served.prom" -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")" 200
expect_ok "promtool accepts what serve served" \
	sh -c "promtool check metrics <'$LAB_TMP/served.prom'"
expect_match "it has $IF" "$(cat "$LAB_TMP/served.prom")" \
	"^icmpgate_attached\\{interface=\"$IF\"\\} 1\$"
expect_eq "Content-Type: the Prometheus text format" \
	"$(B curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$PORT/metrics")" \
	"text/plain; version=0.0.4; charset=utf-8"
# Fresh on every scrape: a ping between two scrapes shows in the second.
scraped_echo() {
	B curl -s "http://127.0.0.1:$PORT/metrics" |
		sed -n "s/^icmpgate_packets_total{interface=\"$IF\",side=\"host\",family=\"v4\",type=\"8\",.*reason=\"pass-rule\".*} \([0-9]*\)\$/\1/p"
}
E0=$(scraped_echo)
expect_ok "4 more v4 echo requests" ping_a4 1 -c 4 -i 0.05
expect_eq "the next scrape counts them" "$(minus "$(scraped_echo)" "${E0:-0}")" 4
# An interface attached while serve runs shows in the next scrape, and
# goes when it is detached.
expect_ok "attach $IF2 while serve runs" ig attach "$IF2"
expect_match "the next scrape has $IF2" \
	"$(B curl -s "http://127.0.0.1:$PORT/metrics")" \
	"^icmpgate_attached\\{interface=\"$IF2\"\\} 1\$"
expect_ok "detach $IF2" ig detach "$IF2"
SCRAPE=$(B curl -s "http://127.0.0.1:$PORT/metrics")
expect_match "the next scrape has $IF" "$SCRAPE" \
	"^icmpgate_attached\\{interface=\"$IF\"\\} 1\$"
expect_fail "and no $IF2" grep -q "interface=\"$IF2\"" <<<"$SCRAPE"
expect_eq "HEAD /metrics: 200" \
	"$(B curl -s -I -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")" 200
expect_eq "POST /metrics: 405" \
	"$(B curl -s -X POST -d x -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")" 405
expect_eq "GET /: 404" \
	"$(B curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")" 404
expect_eq "GET /metricsx: 404" \
	"$(B curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metricsx")" 404
run nsenter --net="/run/netns/$NS_B" timeout 5 "$ICMPGATE" serve --listen "127.0.0.1:$PORT"
expect_error "a second server on the same port"
expect_match "says the address is in use" "$ERR" "cannot listen on 127.0.0.1:$PORT: Address already in use"
kill -TERM "$SERVE_PID"
rc=timeout
for _ in $(seq 50); do
	if ! kill -0 "$SERVE_PID" 2>/dev/null; then
		wait "$SERVE_PID"
		rc=$?
		break
	fi
	sleep 0.1
done
expect_eq "SIGTERM stops serve, exit 0" "$rc" 0
expect_match "it said where it served" "$(cat "$SERVE_ERR")" \
	"serving the metrics of every attached interface at http://127.0.0.1:$PORT/metrics"
expect_eq "nothing listens any more" \
	"$(B curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")" 000
lab_done
