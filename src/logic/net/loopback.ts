/**
 * @module logic/net/loopback
 * Whether a host name or a peer address is this computer: `localhost` (and its subdomains, RFC
 * 6761), `127.0.0.0/8` and `::1`, bracketed or not, and IPv4-mapped loopback (`::ffff:127.0.0.1`,
 * as a dual-stack socket reports an IPv4 peer).
 */

const IPV4_LOOPBACK = /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** True for `localhost`, `*.localhost`, `127.x.y.z`, `::1` and `[::1]`. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isLoopbackAddress(host);
}

/** True for a loopback IP address (`127.0.0.0/8`, `::1`, `::ffff:127.x.y.z`), bracketed or not. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(.+)$/.exec(bare)?.[1];
  return IPV4_LOOPBACK.test(mapped ?? bare);
}

/** True for an http(s) URL whose host is loopback. */
export function isLoopbackUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostname(url.hostname);
}
