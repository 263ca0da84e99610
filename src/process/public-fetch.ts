/**
 * @module process/public-fetch
 * The fetch the server process injects for client ID metadata documents (URLs that anyone may
 * hand us as an OAuth `client_id`): it connects to public addresses only, so that such a URL
 * cannot make the server request something inside its own network (server-side request
 * forgery). It resolves the host name itself (every address, Bun's DNS), refuses the name when
 * ANY address is not public (`logic/net/public-address.ts`) with a `NonPublicAddressError`, and
 * then connects to an address it checked: the URL names the address, while `Host` and the TLS
 * server name (SNI, and the name the certificate is verified against) stay the original host,
 * as Bun 1.4's fetch documents ("Connecting to a specific address"). Fetch therefore does no
 * lookup of its own, which closes the DNS-rebinding window between our check and the
 * connection. Addresses are tried in turn (IPv4 first) until one connects.
 *
 * Bun-specific (`Bun.dns`, `tls.serverName`), hence in the process layer, not on the request
 * path. IP-literal hosts are checked too, although the logic already refuses them.
 */
import type { FetchLike } from '../logic/auth/flows/idp-client.ts';
import { findSpecialRange, isIpLiteralHost, NonPublicAddressError } from '../logic/net/public-address.ts';

/** Every address of a host name. */
export type ResolveAll = (hostname: string) => Promise<readonly string[]>;

export interface PublicOnlyFetchOptions {
  /** Defaults to `Bun.dns.lookup` (all families). */
  resolve?: ResolveAll;
  /**
   * The special-purpose range of an address, undefined when it may be connected to. Defaults
   * to `findSpecialRange`; tests widen it to reach a local TLS server.
   */
  findSpecialRange?: (address: string) => string | undefined;
  /** Extra TLS options for the connection (tests: the CA of a local server). */
  tls?: BunFetchRequestInitTLS;
  /** The fetch that connects (defaults to the global one). */
  fetch?: (url: string, init: BunFetchRequestInit) => Promise<Response>;
}

const resolveWithBun: ResolveAll = async (hostname) =>
  (await Bun.dns.lookup(hostname, { family: 0 })).map((r) => r.address);

/** IPv4 before IPv6 (more often reachable), each in the resolver's order. */
const byFamily = (addresses: readonly string[]): string[] => [
  ...addresses.filter((a) => !a.includes(':')),
  ...addresses.filter((a) => a.includes(':')),
];

/** A fetch that connects to public addresses only (see the module comment). */
export function createPublicOnlyFetch(options: PublicOnlyFetchOptions = {}): FetchLike {
  const resolve = options.resolve ?? resolveWithBun;
  const rangeOf = options.findSpecialRange ?? findSpecialRange;
  const connect = options.fetch ?? ((url, init) => fetch(url, init));
  return async (input, init = {}) => {
    const url = new URL(String(input));
    if (url.protocol !== 'https:') throw new TypeError(`refusing ${url.protocol} (https only)`);
    const host = url.hostname.replace(/\.$/, '');
    const literal = isIpLiteralHost(url.hostname);
    const addresses = literal ? [host.replace(/^\[|\]$/g, '')] : byFamily(await resolve(host));
    if (addresses.length === 0) throw new TypeError(`${host} has no address`);
    for (const address of addresses) {
      const range = rangeOf(address);
      if (range !== undefined) throw new NonPublicAddressError(host, address, range);
    }
    if (literal) return connect(url.href, { ...init, tls: options.tls, proxy: false });
    const headers = new Headers(init.headers);
    headers.set('host', url.host);
    let lastError: unknown;
    for (const address of addresses) {
      init.signal?.throwIfAborted();
      const pinned = new URL(url.href);
      pinned.hostname = address.includes(':') ? `[${address}]` : address;
      try {
        // `proxy: false`: Bun would judge NO_PROXY against the address, not the name; the
        // point here is to connect to the address we checked.
        return await connect(pinned.href, {
          ...init,
          headers,
          tls: { ...options.tls, serverName: host },
          proxy: false,
        });
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  };
}
