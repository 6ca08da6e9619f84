/**
 * Public encrypted-DNS endpoints (DoH names and resolver addresses). A flow to
 * one of them hides every name the app resolves through it; the flow record
 * says so instead of leaving the name empty. Sources: the resolvers' own
 * documentation and the DNSCrypt public-resolvers list (see the research note).
 */
export const DOH_HOSTNAMES: ReadonlySet<string> = new Set([
  'dns.google',
  'dns.google.com',
  'dns64.dns.google',
  'cloudflare-dns.com',
  'mozilla.cloudflare-dns.com',
  'chrome.cloudflare-dns.com',
  'one.one.one.one',
  'security.cloudflare-dns.com',
  'family.cloudflare-dns.com',
  'dns.quad9.net',
  'dns9.quad9.net',
  'dns10.quad9.net',
  'dns11.quad9.net',
  'doh.opendns.com',
  'doh.familyshield.opendns.com',
  'dns.nextdns.io',
  'dns.adguard.com',
  'dns.adguard-dns.com',
  'unfiltered.adguard-dns.com',
  'doh.cleanbrowsing.org',
  'doh.mullvad.net',
  'dns.mullvad.net',
  'doh.dns.sb',
  'dns.alidns.com',
  'doh.pub',
  'sm2.doh.pub',
  'doh.360.cn',
  'dns.twnic.tw',
  'dns.switch.ch',
  'dns.digitale-gesellschaft.ch',
  'doh.ffmuc.net',
  'dns0.eu',
]);

export const DNS_RESOLVER_ADDRESSES: ReadonlySet<string> = new Set([
  '8.8.8.8',
  '8.8.4.4',
  '2001:4860:4860::8888',
  '2001:4860:4860::8844',
  '1.1.1.1',
  '1.0.0.1',
  '2606:4700:4700::1111',
  '2606:4700:4700::1001',
  '9.9.9.9',
  '149.112.112.112',
  '2620:fe::fe',
  '2620:fe::9',
  '208.67.222.222',
  '208.67.220.220',
  '94.140.14.14',
  '94.140.15.15',
  '223.5.5.5',
  '223.6.6.6',
  '2400:3200::1',
  '2400:3200:baba::1',
  '119.29.29.29',
  '1.12.12.12',
  '120.53.53.53',
  '180.76.76.76',
  '114.114.114.114',
  '114.114.115.115',
]);

export const DOT_PORT = 853;

/** Encrypted DNS by transport and port alone (DoT, DoQ). */
export function encryptedDnsByPort(transport: string, serverPort: number): 'dot' | 'doq' | undefined {
  if (serverPort !== DOT_PORT) return undefined;
  return transport === 'tcp' ? 'dot' : transport === 'udp' ? 'doq' : undefined;
}

/** DNS over HTTPS: HTTPS to a known DoH name, or to a known resolver address on 443. */
export function looksLikeDoh(serverIp: string, serverPort: number, sni: string | undefined): boolean {
  if (sni !== undefined && DOH_HOSTNAMES.has(sni)) return true;
  return serverPort === 443 && DNS_RESOLVER_ADDRESSES.has(serverIp);
}
