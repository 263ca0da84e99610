/**
 * @module routes/client-address
 * Who is calling, for per-caller rate limits: the peer address the server saw, or, when that
 * peer is one of our trusted reverse proxies, the address it reports in `X-Forwarded-For`
 * (the right-most entry that is not itself a trusted proxy: entries further left can be
 * written by the client). Without connection info (in-process tests) the caller is `unknown`.
 */

export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: readonly string[],
): string {
  const peer = remoteAddress ?? 'unknown';
  if (!forwardedFor || !trustedProxies.includes(peer)) return peer;
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const untrusted = hops.findLast((hop) => !trustedProxies.includes(hop));
  if (untrusted !== undefined) return untrusted;
  return hops[0] ?? peer;
}
