#!/usr/bin/env bash
# Builds the real-client bench corpus (issue 18): one session recorded from real clients in two
# private network namespaces (dig, curl/OpenSSL, openssl s_client, Chromium over TCP and QUIC),
# with downloads of realistic size, then replicated with randomised addresses until the file has
# at least MIN_PACKETS packets and MIN_FLOWS flows. Nothing leaves the namespaces (the tablet has
# routes only to the server namespace, no default route).
#
# Usage (root): bench/corpus/build-corpus.sh OUT.pcap [MIN_PACKETS] [MIN_FLOWS]
# The recording is cached next to OUT, keyed by this script's hash (a changed script records again).
#
# Replication is by doubling: copy k of the file gets its addresses remapped with
# `tcprewrite --seed=k --fixcsum` (one pseudo-random map per seed, applied to every address in the
# IP headers, so the copy's flows are new 5-tuples), is shifted past the end of the file with
# `editcap -t`, and is appended with `mergecap -a`. DNS answers and TLS payloads are not rewritten:
# names still arrive (SNI, QUIC, HTTP Host, DNS queries), but a DNS answer in a copy points at the
# original server address, not at the copy's remapped one.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
PLAN="$HERE/../../scripts/fixtures/session-plan.json"
OUT="${1:?usage: build-corpus.sh OUT.pcap [MIN_PACKETS] [MIN_FLOWS]}"
MIN_PACKETS="${2:-300000}"
MIN_FLOWS="${3:-10000}"
KEY="$(sha256sum "$0" | cut -c1-12)"
RAW="$(dirname "$OUT")/corpus-session-$KEY.pcap"
SUFFIX="$$"
TAB="gwc-tab-$SUFFIX"
SRV="gwc-srv-$SUFFIX"
VT="gwct$SUFFIX"
VS="gwcs$SUFFIX"
WORK="$(mktemp -d /tmp/gw-corpus.XXXXXX)"
PIDS=()

[[ $EUID -eq 0 ]] || { echo "build-corpus.sh: needs root (network namespaces)" >&2; exit 2; }
command -v dig >/dev/null || apt-get install -y bind9-dnsutils >/dev/null
command -v ethtool >/dev/null || apt-get install -y ethtool >/dev/null
for tool in dnsmasq openssl curl tcpdump python3 node ip dig ethtool chromium tcprewrite editcap mergecap capinfos tshark; do
  command -v "$tool" >/dev/null || { echo "build-corpus.sh: missing $tool" >&2; exit 2; }
done

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$TAB" 2>/dev/null || true
  ip netns del "$SRV" 2>/dev/null || true
  rm -rf "/etc/netns/$TAB" "$WORK"
  rmdir /etc/netns 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

plan() { node -e "const p=require('$PLAN'); $1"; }
in_tab() { ip netns exec "$TAB" "$@"; }
in_srv() { ip netns exec "$SRV" "$@"; }

record() {
  local TAB_ADDR=192.168.2.20 RES_ADDR=192.168.2.1
  ip netns add "$TAB"
  ip netns add "$SRV"
  ip link add "$VT" netns "$TAB" type veth peer name "$VS" netns "$SRV"
  in_tab ip link set lo up
  in_srv ip link set lo up
  in_tab ip addr add "$TAB_ADDR/24" dev "$VT"
  in_srv ip addr add "$RES_ADDR/24" dev "$VS"
  in_tab ip link set "$VT" up
  in_srv ip link set "$VS" up
  in_tab ip route add 10.66.0.0/16 via "$RES_ADDR"
  # Wire-sized segments with real checksums (no TSO/GSO super-segments in the capture).
  command -v ethtool >/dev/null && {
    in_tab ethtool -K "$VT" tso off gso off gro off tx off rx off >/dev/null || true
    in_srv ethtool -K "$VS" tso off gso off gro off tx off rx off >/dev/null || true
  }
  in_tab sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  in_srv sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  for a in $(plan 'for (const s of p.servers) console.log(s.nsAddr)'); do in_srv ip addr add "$a/32" dev lo; done
  mkdir -p "/etc/netns/$TAB"
  echo "nameserver $RES_ADDR" > "/etc/netns/$TAB/resolv.conf"

  local DNS_ARGS=()
  while read -r name addr; do DNS_ARGS+=("--host-record=$name,$addr"); done \
    < <(plan 'for (const s of p.servers) console.log(s.name, s.nsAddr)')
  in_srv dnsmasq --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null --bind-interfaces --local=/#/ \
    --listen-address="$RES_ADDR" --pid-file="$WORK/dnsmasq.pid" --user=root "${DNS_ARGS[@]}" >/dev/null 2>&1 &
  PIDS+=($!)

  # Payloads of the sizes an app fetches: map tiles and small API answers, a firmware-like blob.
  mkdir -p "$WORK/www"
  head -c 40000 /dev/urandom > "$WORK/www/tile.png"
  head -c 150000 /dev/urandom > "$WORK/www/blob.bin"
  head -c 3000 /dev/urandom > "$WORK/www/api.json"
  printf '<html><body><img src="/tile.png"><script src="/api.json"></script></body></html>' > "$WORK/www/index.html"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj /CN=groundwatch-corpus -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
  while read -r addr; do
    (cd "$WORK/www" && exec ip netns exec "$SRV" openssl s_server -quiet -WWW -accept "$addr:443" \
      -cert "$WORK/cert.pem" -key "$WORK/key.pem" </dev/null >/dev/null 2>&1) &
    PIDS+=($!)
  done < <(plan 'for (const s of p.servers) if (s.client !== "curl-http") console.log(s.nsAddr)')
  local HTTP_ADDR
  HTTP_ADDR=$(plan 'console.log(p.servers.find(s => s.client === "curl-http").nsAddr)')
  in_srv python3 -m http.server 80 --bind "$HTTP_ADDR" --directory "$WORK/www" >/dev/null 2>&1 &
  PIDS+=($!)
  sleep 1.5

  in_tab tcpdump -Z root -i "$VT" -s 0 -U -w "$WORK/raw.pcap" 2>/dev/null &
  local TCPDUMP_PID=$!
  PIDS+=("$TCPDUMP_PID")
  sleep 1.5

  step() { in_tab timeout 30 "$@" >/dev/null 2>&1 || echo "build-corpus.sh: step failed (kept going): $*" >&2; }
  local CHROME=(chromium --headless=new --no-sandbox --disable-gpu --no-first-run --ignore-certificate-errors
    --user-data-dir="$WORK/chrome" --disable-background-networking --disable-component-update
    --disable-sync --disable-default-apps --dump-dom)
  while read -r name client; do
    case "$client" in
      curl-http) step curl -s --max-time 10 -o /dev/null "http://$name/blob.bin" ;;
      *)
        step curl -sk --max-time 10 -o /dev/null "https://$name/tile.png"
        step curl -sk --max-time 10 -o /dev/null "https://$name/api.json"
        step openssl s_client -connect "$name:443" -servername "$name" -ign_eof < <(printf 'GET /blob.bin HTTP/1.0\r\n\r\n') ;;
    esac
    step dig +tries=1 +time=2 "$name" A
  done < <(plan 'for (const s of p.servers) console.log(s.name, s.client)')
  # Chromium over TCP (TLS 1.3, its own ClientHello) and forced QUIC: real QUIC Initials to UDP 443.
  # No QUIC server answers in the namespace, so Chromium retries Initials and gives up; that is the
  # traffic a tablet sends to a QUIC endpoint before the handshake, which is what name learning reads.
  step "${CHROME[@]}" "https://tile.openstreetmap.org/index.html"
  step "${CHROME[@]}" "https://www-api.dji.com/index.html"
  step "${CHROME[@]}" --enable-quic --origin-to-force-quic-on=api.mapbox.com:443 "https://api.mapbox.com/index.html"
  step "${CHROME[@]}" --enable-quic --origin-to-force-quic-on=flysafe-api.dji.com:443 "https://flysafe-api.dji.com/index.html"
  sleep 1
  kill -TERM "$TCPDUMP_PID"
  wait "$TCPDUMP_PID" 2>/dev/null || true
  # Keep only IPv4 (Chromium may still try mDNS/IGMP chatter; the tablet has no IPv6).
  tshark -r "$WORK/raw.pcap" -Y ip -F pcap -w "$RAW.tmp" 2>/dev/null
  mv "$RAW.tmp" "$RAW"
}

if [[ ! -s "$RAW" ]]; then
  echo "build-corpus.sh: recording session -> $RAW" >&2
  record
fi
packets() { capinfos -c -M "$1" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}'; }
flows() { tshark -r "$1" -q -z conv,udp -z conv,tcp 2>/dev/null | grep -cE '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+:[0-9]+ +<->'; }
span() { capinfos -u -M "$1" | awk -F: '/Capture duration/ {gsub(/[ a-z]/, "", $2); print $2}'; }

BASE_PACKETS=$(packets "$RAW")
BASE_FLOWS=$(flows "$RAW")
echo "build-corpus.sh: session has $BASE_PACKETS packets, $BASE_FLOWS flows" >&2
cp "$RAW" "$WORK/cur.pcap"
CUR_PACKETS=$BASE_PACKETS
CUR_FLOWS=$BASE_FLOWS
seed=1
while (( CUR_PACKETS < MIN_PACKETS || CUR_FLOWS < MIN_FLOWS )); do
  shift_s=$(awk -v s="$(span "$WORK/cur.pcap")" 'BEGIN { printf "%.6f", s + 1 }')
  tcprewrite --seed="$seed" --fixcsum --infile="$WORK/cur.pcap" --outfile="$WORK/copy.pcap"
  editcap -t "$shift_s" "$WORK/copy.pcap" "$WORK/shifted.pcap"
  mergecap -a -F pcap -w "$WORK/next.pcap" "$WORK/cur.pcap" "$WORK/shifted.pcap"
  mv "$WORK/next.pcap" "$WORK/cur.pcap"
  CUR_PACKETS=$((CUR_PACKETS * 2))
  CUR_FLOWS=$((CUR_FLOWS * 2))
  seed=$((seed + 1))
done
# Doubling overshoots by up to 2x: keep the first MIN_PACKETS packets (the flows cut at the end are
# a few of the last copy's; the flow count scales with the packets kept).
if (( CUR_PACKETS > MIN_PACKETS && CUR_FLOWS * MIN_PACKETS / CUR_PACKETS >= MIN_FLOWS )); then
  editcap -r "$WORK/cur.pcap" "$OUT" "1-$MIN_PACKETS"
  CUR_FLOWS=$((CUR_FLOWS * MIN_PACKETS / CUR_PACKETS))
else
  mv "$WORK/cur.pcap" "$OUT"
fi
echo "build-corpus.sh: wrote $OUT ($(packets "$OUT") packets, about $CUR_FLOWS flows, $(stat -c %s "$OUT") bytes)" >&2
