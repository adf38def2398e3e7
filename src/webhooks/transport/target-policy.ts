import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ConfigError } from '../../errors.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** The verdict on one address: allowed, or refused with a reason a webhook owner can act on. */
export type AddressVerdict = { ok: true } | { ok: false; reason: string };

/** Decides which IP addresses webhooks may connect to (docs/security.md). */
export interface TargetPolicy {
  /** Checks one textual IP address (as DNS or a URL literal gives it). */
  checkAddress(ip: string): AddressVerdict;
}

const IPV4_REASONS: Record<string, string> = {
  unspecified: 'unspecified address (0.0.0.0/8)',
  broadcast: 'broadcast address',
  multicast: 'multicast address',
  linkLocal: 'link-local address (169.254.0.0/16, where cloud metadata endpoints live)',
  loopback: 'loopback address',
  carrierGradeNat: 'carrier-grade NAT address (100.64.0.0/10)',
  private: 'private network address',
  reserved: 'reserved or documentation address',
  as112: 'AS112 DNS sink address',
  amt: 'AMT relay anycast address',
};

const IPV6_REASONS: Record<string, string> = {
  unspecified: 'unspecified address (::)',
  loopback: 'loopback address',
  multicast: 'multicast address',
  linkLocal: 'link-local address (fe80::/10)',
  uniqueLocal: 'unique local (private) address (fc00::/7)',
  deprecatedSiteLocal: 'site-local address (fec0::/10)',
  discard: 'discard-only address (100::/64)',
  reserved: 'reserved or documentation address',
};

// The well-known NAT64 prefix (RFC 6052): the last 32 bits are a real IPv4 destination.
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
// Every globally routable IPv6 allocation sits in 2000::/3; anything else outside the special ranges
// (for example ::/8 besides the forms handled below) is IETF-reserved and never a legitimate receiver.
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

function ipv4FromWords(high: number, low: number): IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses reach the IPv4 host, so they are judged as it. */
function unwrapIPv4(addr: IPv4 | IPv6): IPv4 | IPv6 {
  if (addr.kind() === 'ipv4') return addr;
  const v6 = addr as IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const p = v6.parts;
  const upperZero = p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0;
  // :: and ::1 stay IPv6 (unspecified and loopback), the rest of ::/96 is the deprecated IPv4-compatible form.
  if (upperZero && (p[6] !== 0 || (p[7] ?? 0) > 1)) return ipv4FromWords(p[6] ?? 0, p[7] ?? 0);
  return v6;
}

function refuseIPv4(addr: IPv4): string | null {
  const range = addr.range();
  if (range === 'unicast') return null;
  return IPV4_REASONS[range] ?? `${range} address`;
}

/** Tunnel and translation prefixes carry an IPv4 destination inside; refuse them when that destination is not public. */
function refuseEmbedded(kind: string, embedded: IPv4[]): string | null {
  for (const v4 of embedded) {
    const reason = refuseIPv4(v4);
    if (reason !== null) return `${kind} address embedding ${v4.toString()} (${reason})`;
  }
  return null;
}

function refuseIPv6(addr: IPv6): string | null {
  const range = addr.range();
  const w = (i: number): number => addr.parts[i] ?? 0;
  switch (range) {
    case 'unicast':
      return addr.match(GLOBAL_UNICAST) ? null : 'reserved address (outside global unicast 2000::/3)';
    case 'rfc6145':
      return refuseEmbedded('IPv4-translated', [ipv4FromWords(w(6), w(7))]);
    case 'rfc6052':
      // 64:ff9b:1::/48 is for local NAT64 deployments (RFC 8215): an operator's internal translator.
      if (!addr.match(NAT64_WELL_KNOWN)) return 'local-use NAT64 address (64:ff9b:1::/48)';
      return refuseEmbedded('NAT64', [ipv4FromWords(w(6), w(7))]);
    case '6to4':
      return refuseEmbedded('6to4', [ipv4FromWords(w(1), w(2))]);
    case 'teredo':
      // Teredo: server IPv4 in bits 32-63, client IPv4 in the last 32 bits with every bit inverted (RFC 4380).
      return refuseEmbedded('Teredo', [ipv4FromWords(w(2), w(3)), ipv4FromWords(~w(6) & 0xffff, ~w(7) & 0xffff)]);
    default:
      return IPV6_REASONS[range] ?? `reserved address (${range})`;
  }
}

type Cidr = [IPv4 | IPv6, number];

function parseAllowCidr(cidr: string): Cidr {
  let parsed: Cidr;
  try {
    parsed = ipaddr.parseCIDR(cidr.trim());
  } catch {
    throw new ConfigError(
      `LABELHOOK_ALLOW_PRIVATE_TARGETS: "${cidr}" is not a CIDR range (example: 127.0.0.0/8).`,
      { cidr },
    );
  }
  const [net, bits] = parsed;
  // An IPv4-mapped CIDR (::ffff:10.0.0.0/104) means the IPv4 range, which is how addresses are compared.
  if (net.kind() === 'ipv6' && bits >= 96 && (net as IPv6).isIPv4MappedAddress()) {
    return [(net as IPv6).toIPv4Address(), bits - 96];
  }
  return parsed;
}

/** Builds the SSRF policy: only public unicast addresses, plus whatever the operator's CIDR allow-list names. */
export function createTargetPolicy(allowCidrs: string[]): TargetPolicy {
  const allow = allowCidrs.filter((c) => c.trim() !== '').map(parseAllowCidr);
  return {
    checkAddress(ip: string): AddressVerdict {
      // Only canonical textual addresses: "127.1" or "0x7f.1" must never be guessed at here.
      if (isIP(ip) === 0) return { ok: false, reason: `"${ip}" is not an IP address` };
      let parsed: IPv4 | IPv6;
      try {
        parsed = ipaddr.parse(ip);
      } catch {
        return { ok: false, reason: `"${ip}" is not an IP address` };
      }
      const addr = unwrapIPv4(parsed);
      if (allow.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return { ok: true };
      const reason = addr.kind() === 'ipv4' ? refuseIPv4(addr as IPv4) : refuseIPv6(addr as IPv6);
      if (reason === null) return { ok: true };
      return { ok: false, reason: addr === parsed ? reason : `IPv4 ${addr.toString()} inside ${ip}: ${reason}` };
    },
  };
}
