export { parseDnsMessage, type DnsMessage, type DnsAnswer, type DnsQuestion } from './dns-message.js';
export { resolveAnswers, MAX_CNAME_DEPTH, type DnsResolution } from './dns-resolve.js';
export { DnsTcpFramer, DEFAULT_DNS_TCP_BUFFER, type DnsTcpFramerOptions } from './dns-tcp-framer.js';
export { DnsNameCache, DNS_CACHE_DEFAULTS, type DnsNameCacheOptions } from './dns-name-cache.js';
export { dnsTypeName, dnsTypeNumber, dnsOpcodeName, dnsRcodeName } from './dns-codes.js';
export { normaliseDnsName } from './dns-rdata.js';
export { dnsAnalyzer, type DnsAnalyzerDeps } from './analyzer.js';
export type { DnsSeen } from './dns-seen.js';
