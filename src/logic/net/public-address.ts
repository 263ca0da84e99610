/**
 * @module logic/net/public-address
 * Whether an IP address is a public unicast address, one our server may connect to when a
 * caller hands it a URL (server-side request forgery guard). Pure and Web-standard: it parses
 * address text (IPv4 dotted quads, IPv6 with `::` and embedded IPv4, brackets optional) and
 * matches it against the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and
 * successors) plus multicast, the reserved 240/4 and, for IPv6, everything outside global
 * unicast 2000::/3. IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:0:0/96, NAT64
 * 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4 address. Ranges that the registry
 * marks globally reachable but that no metadata document lives in (the 192.0.0.0/24 and
 * 2001::/23 assignment blocks, Teredo) are refused whole: erring towards refusal is the point.
 *
 * No DNS here: resolving names belongs to the process (`src/process/public-fetch.ts`).
 */

interface Ipv4Range {
  readonly base: number;
  readonly bits: number;
  readonly name: string;
}

interface Ipv6Range {
  readonly base: bigint;
  readonly bits: number;
  readonly name: string;
}

/** An address the guard refused, thrown by the process's fetch for metadata documents. */
export class NonPublicAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${host} resolves to ${address} (${range}), which is not a public address`);
    this.name = this.constructor.name;
  }
}

/** The IPv4 address as an unsigned 32-bit number, or undefined unless a canonical dotted quad. */
export function parseIpv4(text: string): number | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return undefined;
  let value = 0;
  for (const part of text.split('.')) {
    if (part.length > 1 && part.startsWith('0')) return undefined; // octal-looking: not canonical
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** The IPv6 address as a 128-bit number, or undefined; brackets are allowed, zone ids are not. */
export function parseIpv6(text: string): bigint | undefined {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const lastColon = s.lastIndexOf(':');
  if (lastColon === -1) return undefined;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [before = '', after, ...more] = s.split('::');
  if (more.length > 0) return undefined;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(before);
  const rest = after === undefined ? [] : groupsOf(after);
  const missing = 8 - head.length - rest.length;
  if (after === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(after === undefined ? 0 : missing).fill('0'), ...rest];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

// Only ever called on the constant tables below: a typo there fails at startup.
const ipv4Range = (cidr: string, name: string): Ipv4Range => {
  const [address = '', bits] = cidr.split('/');
  const base = parseIpv4(address);
  if (base === undefined) throw new TypeError(`Not an IPv4 range: ${cidr}`);
  return { base, bits: Number(bits), name: `${name} ${cidr}` };
};

const ipv6Range = (cidr: string, name: string): Ipv6Range => {
  const [address = '', bits] = cidr.split('/');
  const base = parseIpv6(address);
  if (base === undefined) throw new TypeError(`Not an IPv6 range: ${cidr}`);
  return { base, bits: Number(bits), name: `${name} ${cidr}` };
};

/** IANA IPv4 Special-Purpose Address Registry, multicast and reserved; first match names it. */
const IPV4_SPECIAL: readonly Ipv4Range[] = [
  ipv4Range('0.0.0.0/8', '"this network"'),
  ipv4Range('10.0.0.0/8', 'private-use'),
  ipv4Range('100.64.0.0/10', 'shared address space (CGNAT)'),
  ipv4Range('127.0.0.0/8', 'loopback'),
  ipv4Range('169.254.0.0/16', 'link-local'),
  ipv4Range('172.16.0.0/12', 'private-use'),
  ipv4Range('192.0.0.0/24', 'IETF protocol assignments'),
  ipv4Range('192.0.2.0/24', 'documentation (TEST-NET-1)'),
  ipv4Range('192.88.99.0/24', 'deprecated 6to4 relay anycast'),
  ipv4Range('192.168.0.0/16', 'private-use'),
  ipv4Range('198.18.0.0/15', 'benchmarking'),
  ipv4Range('198.51.100.0/24', 'documentation (TEST-NET-2)'),
  ipv4Range('203.0.113.0/24', 'documentation (TEST-NET-3)'),
  ipv4Range('224.0.0.0/4', 'multicast'),
  ipv4Range('255.255.255.255/32', 'limited broadcast'),
  ipv4Range('240.0.0.0/4', 'reserved'),
];

/** IPv6 forms that carry an IPv4 address, and where in the 128 bits it sits. */
const IPV6_EMBEDDING: readonly (Ipv6Range & { readonly shift: bigint })[] = [
  { ...ipv6Range('::ffff:0:0/96', 'IPv4-mapped'), shift: 0n },
  { ...ipv6Range('64:ff9b::/96', 'NAT64'), shift: 0n },
  { ...ipv6Range('2002::/16', '6to4'), shift: 80n },
];

/** IANA IPv6 Special-Purpose Address Registry and the other non-global blocks; first match names it. */
const IPV6_SPECIAL: readonly Ipv6Range[] = [
  ipv6Range('::/128', 'unspecified'),
  ipv6Range('::1/128', 'loopback'),
  ipv6Range('::/96', 'IPv4-compatible (deprecated)'),
  ipv6Range('::ffff:0:0:0/96', 'IPv4-translated'),
  ipv6Range('64:ff9b:1::/48', 'local-use NAT64'),
  ipv6Range('100::/64', 'discard-only'),
  ipv6Range('100:0:0:1::/64', 'dummy prefix'),
  ipv6Range('2001::/32', 'Teredo'),
  ipv6Range('2001:2::/48', 'benchmarking'),
  ipv6Range('2001::/23', 'IETF protocol assignments'),
  ipv6Range('2001:db8::/32', 'documentation'),
  ipv6Range('3fff::/20', 'documentation'),
  ipv6Range('5f00::/16', 'SRv6 SIDs'),
  ipv6Range('fc00::/7', 'unique-local'),
  ipv6Range('fe80::/10', 'link-local'),
  ipv6Range('fec0::/10', 'site-local (deprecated)'),
  ipv6Range('ff00::/8', 'multicast'),
];

const GLOBAL_UNICAST = ipv6Range('2000::/3', 'global unicast');

const inIpv4Range = (value: number, r: Ipv4Range): boolean =>
  r.bits === 0 || value >>> (32 - r.bits) === r.base >>> (32 - r.bits);
const inIpv6Range = (value: bigint, r: Ipv6Range): boolean =>
  value >> BigInt(128 - r.bits) === r.base >> BigInt(128 - r.bits);

function ipv4SpecialRange(value: number): string | undefined {
  return IPV4_SPECIAL.find((r) => inIpv4Range(value, r))?.name;
}

function ipv6SpecialRange(value: bigint): string | undefined {
  for (const e of IPV6_EMBEDDING) {
    if (!inIpv6Range(value, e)) continue;
    const inner = ipv4SpecialRange(Number((value >> e.shift) & 0xffffffffn));
    return inner === undefined ? undefined : `${e.name} of ${inner}`;
  }
  const special = IPV6_SPECIAL.find((r) => inIpv6Range(value, r));
  if (special) return special.name;
  return inIpv6Range(value, GLOBAL_UNICAST) ? undefined : 'outside global unicast 2000::/3';
}

/**
 * The special-purpose range `address` falls in (a name with its CIDR, e.g. `loopback
 * 127.0.0.0/8`), `not an IP address` when it cannot be parsed, or undefined for a public
 * unicast address. IPv6 may come bracketed; a zone id (`fe80::1%eth0`) counts as non-public.
 */
export function findSpecialRange(address: string): string | undefined {
  if (address.includes('%')) return 'scoped address (zone id)';
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return ipv4SpecialRange(v4);
  const v6 = parseIpv6(address);
  if (v6 !== undefined) return ipv6SpecialRange(v6);
  return 'not an IP address';
}

/** Whether `address` is a public unicast IP address (unparseable text is not). */
export function isPublicAddress(address: string): boolean {
  return findSpecialRange(address) === undefined;
}

/**
 * Whether a URL host (as WHATWG URL parsing leaves it: `URL#hostname`) is an IP literal rather
 * than a name. After parsing, a host whose last label is numeric is always a dotted quad
 * (2130706433, 0x7f.1 and 127.1 all become 127.0.0.1) and IPv6 is always bracketed.
 */
export function isIpLiteralHost(hostname: string): boolean {
  return hostname.startsWith('[') || /^[0-9.]+$/.test(hostname.replace(/\.$/, ''));
}
