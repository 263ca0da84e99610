/**
 * DIRACX_SHUTDOWN_LAME_DUCK_SECONDS: on SIGTERM the real server first keeps serving with
 * `Connection: close` on every response (a proxy's keep-alive pool lets go of it), then stops
 * listening, drains and exits 0. Without it, SIGTERM stops listening at once.
 */
import { describe, expect, it } from 'bun:test';
import { startServer, waitFor } from '../harness/server-process.ts';

describe('lame-duck shutdown', () => {
  it('serves with Connection: close for the lame-duck period, then exits 0', async () => {
    const server = await startServer({ DIRACX_SHUTDOWN_LAME_DUCK_SECONDS: '2' });
    try {
      const before = await fetch(new URL('api/health/live', server.url));
      expect(before.status).toBe(200);
      expect(before.headers.get('connection')).not.toBe('close');
      server.signal('SIGTERM');
      await waitFor(
        () => server.logs().some((l) => l.msg === 'closing each connection after its response before draining'),
        {
          description: 'the lame-duck log line',
        },
      );
      const during = await fetch(new URL('api/health/live', server.url));
      expect(during.status).toBe(200);
      expect(during.headers.get('connection')).toBe('close');
      expect(await server.exited).toBe(0);
      expect(server.logs().at(-1)?.msg).toBe('stopped');
    } finally {
      await server.stop('SIGKILL').catch(() => undefined);
    }
  });
});
