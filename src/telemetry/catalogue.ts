/**
 * Every counter, anomaly and limit groundwatch counts: name, stage, unit and
 * one-line meaning, declared once (as Suricata declares its decode events and
 * registers its stats). `Counters.inc` accepts only these names, the stats
 * record reports every one of them (zero included) and docs/telemetry.md is
 * generated from this table.
 *
 * Kinds: `counter` is ordinary work done; `anomaly` is malformed or unexpected
 * input (names `anomaly.<stage>.<what>`, summed per stage); `limit` is a bound
 * that was hit (memory or depth caps) — a limit hit is always counted.
 */

export type TelemetryKind = 'counter' | 'anomaly' | 'limit';

export interface TelemetryEntry {
  readonly stage: string;
  readonly kind: TelemetryKind;
  readonly unit: string;
  readonly meaning: string;
}

const c = (stage: string, unit: string, meaning: string) => ({ stage, kind: 'counter', unit, meaning }) as const;
const a = (stage: string, meaning: string) => ({ stage, kind: 'anomaly', unit: 'events', meaning }) as const;
const l = (stage: string, unit: string, meaning: string) => ({ stage, kind: 'limit', unit, meaning }) as const;

/** Name sources, transports, severities, orientations and unknown-name reasons the counters are split by. */
const NAME_SOURCES = ['dns', 'http_host', 'quic_sni', 'tls_sni'] as const;
/** Names read from the flow's own packets; DNS names are learned per address and show in coverage.flows.dns. */
const PACKET_NAME_SOURCES = ['http_host', 'quic_sni', 'tls_sni'] as const;
const COVERAGE_SOURCES = [...NAME_SOURCES, 'unnamed'] as const;
/** Transports outside TCP/UDP (flow/other-conversations.ts), snake_case as the stats record's names are. */
const OTHER_TRANSPORTS = ['icmp', 'ipv6_icmp', 'other'] as const;
const SEVERITIES = ['critical', 'high', 'info', 'low', 'medium'] as const;
const ORIENTATIONS = ['address', 'device', 'first_packet', 'port', 'syn'] as const;
const UNKNOWN_REASONS = ['encrypted_dns', 'no_handshake_seen', 'not_inspected', 'quic_no_sni', 'tls_ech', 'tls_no_sni'] as const;

function each<const P extends string, const K extends string, const E extends TelemetryEntry>(
  prefix: P,
  keys: readonly K[],
  entry: (key: K) => E,
): Record<`${P}${K}`, E> {
  return Object.fromEntries(keys.map((k) => [`${prefix}${k}`, entry(k)])) as Record<`${P}${K}`, E>;
}

export const TELEMETRY = {
  // capture: reading files and live interfaces
  'capture.files': c('capture', 'files', 'Capture files opened for replay'),
  'capture.packets': c('capture', 'packets', 'Packet records read from capture files'),
  'capture.received': c('capture', 'packets', 'Packets that passed the live capture filter, dropped ones included (pcap_stats ps_recv)'),
  'capture.dropped': c('capture', 'packets', 'Packets the kernel dropped because its capture buffer was full (pcap_stats ps_drop)'),
  'capture.if_dropped': c('capture', 'packets', 'Packets the interface or driver dropped (pcap_stats ps_ifdrop)'),
  'capture.truncated': c('capture', 'packets', 'Live packets cut to the snap length'),
  'capture.discarded_at_shutdown': c('capture', 'packets', 'Packets still in the kernel ring when a capture worker stopped (the drain is bounded in time)'),
  'capture.limit.max_interfaces': l('capture', 'blocks', 'pcapng sections with more interfaces than the cap; reading stops there'),
  'capture.limit.max_record_bytes': l('capture', 'records', 'Capture records longer than the record size cap; reading stops there'),
  'anomaly.capture.oversized_record': l('capture', 'records', 'Records longer than the record size cap whose bytes were streamed past unread; reading goes on'),
  'anomaly.capture.truncated_record': a('capture', 'Capture file ends inside a record'),
  'anomaly.capture.corrupt_block': a('capture', 'Capture record or block whose framing is impossible; reading stops there'),
  'anomaly.capture.bad_timestamp': a('capture', 'pcap record whose sub-second field overflows a second (carried into the seconds)'),
  'anomaly.capture.timestamp_out_of_range': a('capture', 'pcapng timestamp that does not fit a date'),
  'anomaly.capture.wire_len_lt_caplen': a('capture', 'Record whose original length is below its captured length'),
  'anomaly.capture.bad_option': a('capture', 'pcapng interface option that runs past its block'),

  // pipeline
  'packets.received': c('pipeline', 'packets', 'Packets handed to the pipeline'),
  'packets.decoded': c('pipeline', 'packets', 'Packets decoded down to an IP header'),
  ...each('packets.', OTHER_TRANSPORTS, (t) => c('pipeline', 'packets', `Decoded packets whose transport is ${t} (not TCP/UDP)`)),

  // decode: link, IP, transport
  'decode.non_ip': c('decode', 'packets', 'Frames of a supported link type that carry no IP (ARP, LLDP, ...)'),
  'decode.unsupported_link_type': c('decode', 'packets', 'Frames of a link type groundwatch cannot decode'),
  'decode.ip_fragments': c('decode', 'packets', 'IP fragments handed to reassembly'),
  'decode.ip_reassembled': c('decode', 'datagrams', 'IP datagrams rebuilt from fragments'),
  'anomaly.decode.truncated': a('decode', 'Frame ends inside a header'),
  'anomaly.decode.internal_error': a('decode', 'Unexpected exception while decoding a frame (a bug: survived, counted, loud in tests)'),
  'anomaly.decode.ip_bad_version': a('decode', 'Link layer carries neither IPv4 nor IPv6 where IP was expected'),
  'anomaly.decode.ipv4.bad_version': a('decode', 'IPv4 header whose version field is not 4'),
  'anomaly.decode.ipv4.bad_ihl': a('decode', 'IPv4 header length below 20 bytes'),
  'anomaly.decode.ipv4.bad_total_length': a('decode', 'IPv4 total length below its header length'),
  'anomaly.decode.ipv4.truncated_header': a('decode', 'Frame ends inside the IPv4 header'),
  'anomaly.decode.ipv6.bad_version': a('decode', 'IPv6 header whose version field is not 6'),
  'anomaly.decode.ipv6.too_many_extension_headers': l('decode', 'packets', 'IPv6 extension header chain longer than the cap'),
  'anomaly.decode.tcp.bad_data_offset': a('decode', 'TCP data offset below 20 bytes'),
  'anomaly.decode.tcp.truncated_header': a('decode', 'Frame ends inside the TCP header'),
  'anomaly.decode.udp.bad_length': a('decode', 'UDP length field between 1 and 7'),
  'anomaly.decode.vlan_tag_limit': l('decode', 'packets', 'Frames with more stacked VLAN tags than the cap; not decoded further'),
  'anomaly.frag.too_large': l('decode', 'datagrams', 'Fragmented datagram larger than the reassembly size cap'),
  'anomaly.frag.too_many_fragments': l('decode', 'datagrams', 'Datagram with more fragments than the cap'),
  'anomaly.frag.inconsistent_length': a('decode', 'Fragments disagree on the datagram length'),
  'anomaly.frag.overlap': a('decode', 'Fragments overlapping with different bytes'),
  'anomaly.frag.timeout': a('decode', 'Datagram never completed within the reassembly timeout'),
  'anomaly.frag.evicted': l('decode', 'datagrams', 'Incomplete datagrams evicted because reassembly held too many'),

  // flow
  'flow.created': c('flow', 'flows', 'TCP/UDP flows created'),
  'flow.evicted': l('flow', 'flows', 'Flows evicted early because the flow table was full (or the heap neared its limit)'),
  'flow.evicted_memory': l('flow', 'flows', 'Of flow.evicted, flows shed because the heap neared its limit'),
  'flow.not_judged': c('flow', 'flows', 'Flows closed before rules could judge them'),
  ...each('flow.start_not_seen.', ORIENTATIONS, (o) => c('flow', 'flows', `Flows whose start was not seen; client side decided by ${o}`)),
  'tcp.retransmitted_segments': c('flow', 'segments', 'TCP segments already delivered to the stream (retransmissions)'),
  'anomaly.tcp.reassembly_pending_limit': l('flow', 'segments', 'Times a TCP stream held more out-of-order segments than the cap (the held ones are dropped)'),
  'anomaly.tcp.reassembly_byte_limit': l('flow', 'flows', 'Times a TCP stream reached its inspected-bytes cap'),
  'anomaly.other_conversations.limit': l('flow', 'conversations', 'Non-TCP/UDP IP conversations not tracked because the table was full'),

  // attribution: names from DNS, TLS, QUIC, HTTP
  ...each('names.', PACKET_NAME_SOURCES, (s) => c('attribution', 'names', `Names read from ${s} in a flow's own packets`)),
  'dns.queries': c('attribution', 'messages', 'DNS queries parsed'),
  'dns.responses': c('attribution', 'messages', 'DNS responses parsed'),
  'anomaly.dns.truncated': a('attribution', 'DNS message ends inside a header or question'),
  'anomaly.dns.malformed': a('attribution', 'DNS name the decoder rejects (bad pointer, over-long name)'),
  'anomaly.dns.internal_error': a('attribution', 'Unexpected exception while parsing a DNS message (a bug: survived, counted, loud in tests)'),
  'anomaly.dns.bad_label_type': a('attribution', 'DNS label with a reserved type'),
  'anomaly.dns.bad_a_rdlength': a('attribution', 'A record whose RDATA is not 4 bytes'),
  'anomaly.dns.bad_aaaa_rdlength': a('attribution', 'AAAA record whose RDATA is not 16 bytes'),
  'anomaly.dns.answers_missing': a('attribution', 'DNS message holds fewer answers than ANCOUNT announces'),
  'anomaly.dns.tcp_frame_too_large': l('attribution', 'frames', 'DNS-over-TCP frame larger than the cap'),
  'anomaly.dns.tcp_empty_frame': a('attribution', 'DNS-over-TCP frame of length zero'),
  'anomaly.dns.cache_evicted': l('attribution', 'entries', 'DNS name cache entries evicted because the cache was full'),
  'anomaly.dns.cname_depth_limit': l('attribution', 'chains', 'CNAME chains longer than the depth cap; the chain is cut there'),
  'anomaly.http.not_http': a('attribution', 'Flow inspected as HTTP whose first bytes are not a request'),
  'anomaly.http.too_large': l('attribution', 'flows', 'HTTP request head longer than the cap'),
  'anomaly.http.bad_request_line': a('attribution', 'HTTP request line that does not parse'),
  'anomaly.tls.too_large': l('attribution', 'flows', 'TLS ClientHello larger than the cap'),
  'anomaly.tls.record_too_long': a('attribution', 'TLS record longer than RFC 8446 allows'),
  'anomaly.tls.not_client_hello': a('attribution', 'First TLS handshake message is not a ClientHello'),
  'anomaly.tls.malformed_client_hello': a('attribution', 'ClientHello whose fields run past its end'),
  'anomaly.quic.gave_up': l('attribution', 'flows', 'QUIC flows whose Initial did not complete within the datagram cap'),
  'anomaly.quic.crypto_too_large': l('attribution', 'flows', 'QUIC CRYPTO data larger than the cap'),
  'anomaly.quic.crypto_fragment_limit': l('attribution', 'flows', 'QUIC CRYPTO frames beyond the fragment cap'),
  'anomaly.quic.crypto_gap_limit': l('attribution', 'flows', 'QUIC Initials stopped with a gap in CRYPTO data at the packet cap'),
  'anomaly.quic.packet_limit': l('attribution', 'flows', 'QUIC Initial packets beyond the per-flow cap'),
  'anomaly.quic.decrypt_failed': a('attribution', 'QUIC Initial that does not decrypt with the version\'s keys'),
  'anomaly.quic.not_quic_initial': a('attribution', 'First QUIC datagram of a flow without an Initial packet (short header, Retry, unknown version, ...)'),
  'anomaly.quic.truncated_header': a('attribution', 'First QUIC packet of a flow whose long header is cut short'),
  'anomaly.quic.bad_cid_length': a('attribution', 'First QUIC packet of a flow with a connection ID longer than 20 bytes'),
  'anomaly.quic.not_client_hello': a('attribution', 'QUIC CRYPTO data that is not a ClientHello'),
  'anomaly.quic.malformed_client_hello': a('attribution', 'ClientHello in QUIC CRYPTO whose fields run past its end'),

  // enrich
  'enrich.geoip.lookup': c('enrich', 'lookups', 'GeoIP/ASN database lookups'),
  'enrich.geoip.cache_hit': c('enrich', 'lookups', 'GeoIP lookups answered from the cache'),
  'enrich.geoip.cache_evicted': l('enrich', 'entries', 'GeoIP cache entries evicted because the cache was full'),
  'enrich.geoip.reloaded': c('enrich', 'reloads', 'GeoIP databases reloaded'),
  'enrich.geoip.reload_failed': c('enrich', 'reloads', 'GeoIP reloads that failed (the old databases stay)'),
  'anomaly.enrich.bad_ip': a('enrich', 'Address the GeoIP reader rejects'),

  // detect and alerts
  ...each('alerts.', SEVERITIES, (s) => c('detect', 'alerts', `Alerts of severity ${s}`)),
  'alerts.allowed_by_rule': c('detect', 'matches', 'Rule matches cancelled by an allow rule'),
  'alerts.suppressed_repeats': c('detect', 'alerts', 'Repeat alerts folded into their first alert'),
  'alerts.suppressed': c('alerts', 'alerts', 'Alerts suppressed as repeats by the suppressor'),
  'alerts.emitted': c('alerts', 'alerts', 'Alerts that passed the suppressor'),
  'alerts.suppressor.evicted': l('alerts', 'keys', 'Suppressor keys evicted because it held too many'),
  ...each('coverage.flows.', COVERAGE_SOURCES, (s) => c('detect', 'flows', `Flows named by ${s}`)),
  ...each('coverage.bytes.', COVERAGE_SOURCES, (s) => c('detect', 'bytes', `Bytes of flows named by ${s}`)),
  ...each('coverage.unknown_reason.', UNKNOWN_REASONS, (r) => c('detect', 'flows', `Unnamed flows, reason ${r}`)),

  // delivery: the outbox and its destinations (delivery/)
  'delivery.queued': c('delivery', 'messages', 'Outbox rows written (one per destination and message; a re-run\'s duplicate ids are counted but not stored again)'),
  'delivery.delivered': c('delivery', 'messages', 'Outbox rows a destination acknowledged (HTTP 2xx, RELP rsp 200, syslog session accepted)'),
  'delivery.retried': c('delivery', 'attempts', 'Delivery attempts that failed and will be retried after a backoff'),
  'delivery.dropped': l('delivery', 'messages', 'Outbox rows shed because the outbox reached delivery.outbox_max_bytes (lowest severity, oldest first)'),
  'delivery.disabled': c('delivery', 'destinations', 'Destinations disabled because they refused for good (HTTP 410)'),
  'delivery.pending': c('delivery', 'messages', 'Gauge: outbox rows pending now (all destinations)'),
  'delivery.oldest_pending_s': c('delivery', 'seconds', 'Gauge: age of the oldest pending outbox row (0 when none)'),
  'delivery.heartbeats': c('delivery', 'messages', 'Heartbeat records queued (one per destination and interval)'),

  // telemetry itself
  'anomaly.telemetry.undeclared_name': a('telemetry', 'A stage counted a name missing from this catalogue (a bug: loud in tests)'),

  // evidence: packet slices for alerted flows (docs/evidence.md)
  'evidence.ring.evicted_bytes': l('evidence', 'packets', 'Packets of flows no alert had named pushed out of the evidence ring by its byte bound (evidence.ring_bytes)'),
  'evidence.ring.evicted_age': l('evidence', 'packets', 'Packets of flows no alert had named pushed out of the evidence ring by its age bound (evidence.ring_seconds)'),
  'evidence.slices.flows': c('evidence', 'flows', 'Flows an alert named whose packets are stored as a slice'),
  'evidence.slices.packets': c('evidence', 'packets', "Packets stored in alerted flows' slices"),
  'evidence.slices.dns_packets': c('evidence', 'packets', 'DNS messages stored with an alerted flow because they named it'),
  'evidence.slices.incomplete': l('evidence', 'flows', 'Alerted flows whose earlier packets had already left the ring (their slice misses them)'),
  'evidence.slices.flow_cap': l('evidence', 'packets', 'Packets of an alerted flow past evidence.max_packets_per_flow, not stored'),
  'evidence.store.evicted': l('evidence', 'packets', 'Stored slice packets deleted, oldest first, to keep the store under evidence.store_max_mb'),
  'evidence.store.dropped': l('evidence', 'packets', 'Slice packets lost because the store could not take them (write failing, pending bound reached)'),
  // store retention (sinks/retention.ts): rows past their retention.*_days, deleted by the daemon
  'retention.flows_deleted': c('store', 'rows', 'Flow rows deleted by retention (older than retention.flows_days)'),
  'retention.dns_deleted': c('store', 'rows', 'DNS rows deleted by retention (older than retention.flows_days)'),
  'retention.outbox_deleted': c('store', 'rows', 'Delivered outbox rows deleted by retention (delivered longer ago than retention.alerts_days)'),
  'retention.record_blocks_deleted': c('store', 'rows', 'Record blocks deleted by retention once every flow or DNS row in them was'),
  'retention.stats_deleted': c('store', 'rows', 'Stats rows deleted by retention (older than retention.stats_days)'),
  'retention.gaps_deleted': c('store', 'rows', 'Capture-gap rows deleted by retention (older than retention.stats_days)'),
  'retention.alerts_deleted': c('store', 'rows', 'Alert rows deleted by retention (first and last seen older than retention.alerts_days)'),
  'retention.acks_deleted': c('store', 'rows', 'Acknowledgements deleted with their alerts'),
  'retention.vacuumed_pages': c('store', 'pages', 'Free pages handed back to the file system by incremental vacuum (the file shrank by this many pages)'),
  'retention.failed': c('store', 'ticks', 'Retention rounds that failed (store busy, read-only, full); the next round tries again'),

  // daemon
  'daemon.silence_gaps': c('daemon', 'gaps', 'no_traffic capture gaps opened: no packet on the interface for silence_after seconds'),
  'daemon.rules_reloaded': c('daemon', 'reloads', 'Rule packs reloaded'),
  'daemon.rules_reload_failed': c('daemon', 'reloads', 'Rule reloads that failed (the old rules stay)'),
} as const satisfies Record<string, TelemetryEntry>;

/** Counters whose names carry a value known only at run time. */
export const TELEMETRY_FAMILIES = {
  'decode.unsupported_link_type_number.<linktype>': {
    ...c('decode', 'packets', 'Frames of an unsupported link type, per LINKTYPE number'),
    pattern: /^decode\.unsupported_link_type_number\.\d+$/,
  },
  'sink.<sink>.dropped': { ...l('sinks', 'records', 'Records a sink lost (queue full or write failed)'), pattern: /^sink\.[^.]+\.dropped$/ },
  'sink.<sink>.errors': { ...c('sinks', 'errors', 'Write errors a sink reported'), pattern: /^sink\.[^.]+\.errors$/ },
  'sink.<sink>.rejected': { ...c('sinks', 'records', 'Records the SQLite sink rejected (constraint)'), pattern: /^sink\.[^.]+\.rejected$/ },
  'sink.<sink>.invalid_records': { ...c('sinks', 'records', 'Records a sink refused as invalid'), pattern: /^sink\.[^.]+\.invalid_records$/ },
} as const;

export type DeclaredCounter = keyof typeof TELEMETRY;
export type FamilyCounter =
  | `decode.unsupported_link_type_number.${number}`
  | `sink.${string}.${'dropped' | 'errors' | 'rejected' | 'invalid_records'}`;
export type CounterName = DeclaredCounter | FamilyCounter;

export type AnomalyName = Extract<DeclaredCounter, `anomaly.${string}`>;

export function isDeclaredCounter(name: string): name is DeclaredCounter {
  return Object.prototype.hasOwnProperty.call(TELEMETRY, name);
}

export function isCounterName(name: string): name is CounterName {
  return isDeclaredCounter(name) || Object.values(TELEMETRY_FAMILIES).some((f) => f.pattern.test(name));
}

/** The catalogue entry of a name, or of the family it belongs to. */
export function telemetryEntry(name: string): TelemetryEntry | undefined {
  if (isDeclaredCounter(name)) return TELEMETRY[name];
  return Object.values(TELEMETRY_FAMILIES).find((f) => f.pattern.test(name));
}
