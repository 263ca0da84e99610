/**
 * `bun run bench/ceiling-server.ts`: the ceiling of the benchmark, a bare `Bun.serve` on
 * 127.0.0.1 (PORT, default a free one) answering every request with the same small JSON,
 * without routing, authentication or logging. Prints `{"msg":"listening","port":N}`.
 */
const BODY = JSON.stringify({
  sub: 'lhcb:b824d4dc-1f9d-4ee8-8df5-c0ae55d46041',
  vo: 'lhcb',
  dirac_group: 'lhcb_user',
  policies: {},
  properties: ['NormalUser'],
  preferred_username: 'chaen',
});

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  fetch: () => new Response(BODY, { headers: { 'content-type': 'application/json' } }),
});
console.log(JSON.stringify({ msg: 'listening', port: server.port }));
process.on('SIGTERM', () => {
  void server.stop(true);
  process.exit(0);
});
