import ipaddr from 'ipaddr.js';

/**
 * The SSRF guard's rules (docs/webhooks.md): which addresses and URLs a webhook may reach.
 * Pure functions, checked when a webhook is saved and again on every resolved address at
 * delivery time (webhook-sender.ts), so a name that later resolves elsewhere (DNS
 * rebinding) is refused too.
 */

/** What an address is, as far as the guard cares. */
export type AddressClass =
  /** A public unicast address: always allowed. */
  | 'public'
  /** Loopback, RFC 1918, IPv6 ULA, carrier-grade NAT: allowed only with WEBHOOK_ALLOW_PRIVATE_TARGETS. */
  | 'private'
  /** Cloud instance metadata endpoints: never. */
  | 'metadata'
  /** Link-local, multicast, broadcast, unspecified, reserved and the like: never. */
  | 'forbidden';

/** Instance metadata services of the clouds (AWS, GCP, Azure, Oracle, Alibaba, ECS task metadata). */
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '192.0.0.192']);
const METADATA_V6 = ipaddr.IPv6.parse('fd00:ec2::254');
/** Host names that reach a metadata service from inside its cloud. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);

const PRIVATE_V4 = new Set(['loopback', 'private', 'carrierGradeNat']);
const PRIVATE_V6 = new Set(['loopback', 'uniqueLocal']);

/**
 * The IPv4 address an IPv6 address carries, for the forms that reach it: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4
 * (2002:AABB:CCDD::) and the deprecated IPv4-compatible form (::a.b.c.d).
 */
function embeddedV4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0] = v6.parts;
  const fromParts = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (v6.range()) {
    case 'ipv4Mapped':
      return v6.toIPv4Address();
    case 'rfc6145':
    case 'rfc6052':
      return fromParts(p6, p7);
    case '6to4':
      return fromParts(p1, p2);
  }
  // ::a.b.c.d (but not :: or ::1, which are their own ranges).
  if ([p0, p1, p2, p3, p4, p5].every((x) => x === 0) && (p6 !== 0 || p7 > 1)) return fromParts(p6, p7);
  return undefined;
}

function classifyV4(v4: ipaddr.IPv4): AddressClass {
  if (METADATA_V4.has(v4.toString())) return 'metadata';
  const range = v4.range();
  if (range === 'unicast') return 'public';
  return PRIVATE_V4.has(range) ? 'private' : 'forbidden';
}

/** Classifies an IP address literal (IPv4 or IPv6, with or without brackets); anything else is 'forbidden'. */
export function classifyAddress(address: string): AddressClass {
  const literal = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!ipaddr.isValid(literal)) return 'forbidden';
  const parsed = ipaddr.parse(literal);
  if (parsed.kind() === 'ipv4') {
    // ipaddr accepts 0x7f.1 and 2130706433 too; the resolver would as well, so classify what they mean.
    return classifyV4(parsed as ipaddr.IPv4);
  }
  const v6 = parsed as ipaddr.IPv6;
  if (isMetadataV6(v6)) return 'metadata';
  const v4 = embeddedV4(v6);
  if (v4) return classifyV4(v4);
  const range = v6.range();
  if (range === 'unicast') return 'public';
  return PRIVATE_V6.has(range) ? 'private' : 'forbidden';
}

const isMetadataV6 = (v6: ipaddr.IPv6): boolean => v6.toNormalizedString() === METADATA_V6.toNormalizedString();

/** Whether the guard lets a connection reach an address of this class. */
export const allowedClass = (cls: AddressClass, allowPrivate: boolean): boolean =>
  cls === 'public' || (cls === 'private' && allowPrivate);

/** Why an address of this class is refused, for a 400 detail or the delivery log. */
export function refusal(address: string, cls: AddressClass): string {
  switch (cls) {
    case 'metadata':
      return `${address} is a cloud metadata address, never a webhook target`;
    case 'private':
      return `${address} is a loopback or private address (allowed only with WEBHOOK_ALLOW_PRIVATE_TARGETS=true)`;
    default:
      return `${address} is not a public unicast address`;
  }
}

const isMetadataHost = (host: string): boolean => METADATA_HOSTS.has(host);
const isLocalhost = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost');

/**
 * Why a URL cannot be a webhook target, or undefined when it may be (its host name still to
 * be resolved and checked at delivery). Checks the scheme, credentials, and a host that is an
 * address literal or a name that can only mean this machine or a metadata service.
 */
export function urlRefusal(raw: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPrivate)) {
    return allowPrivate ? 'must be an http or https URL' : 'must be an https URL';
  }
  if (url.username || url.password) return 'must not carry credentials (put a token in the path or query instead)';
  // WHATWG URL has already turned 0x7f.1 and friends into dotted IPv4, and lowercased the host.
  const host = url.hostname.replace(/\.$/, '');
  if (!host) return 'must name a host';
  if (isMetadataHost(host)) return `${host} is a cloud metadata host, never a webhook target`;
  if (host.startsWith('[') || ipaddr.isValid(host)) {
    const cls = classifyAddress(host);
    return allowedClass(cls, allowPrivate) ? undefined : refusal(host, cls);
  }
  if (isLocalhost(host) && !allowPrivate) return refusal(host, 'private');
  return undefined;
}
