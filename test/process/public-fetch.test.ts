/**
 * The fetch the server process injects for client ID metadata documents: a host name with any
 * non-public address (`localhost`, or a public name that also resolves privately) is refused
 * before any connection, and an accepted name is fetched from the very address that was
 * checked, with the original name as `Host` and TLS server name (a local TLS server here).
 */
import { afterAll, afterEach, describe, expect, it } from 'bun:test';
import { ClientMetadataResolver } from '../../src/logic/auth/clients/client-metadata-document.ts';
import { createJsonLogger, type LogFields, type Logger } from '../../src/core/logger.ts';
import { NonPublicAddressError } from '../../src/logic/net/public-address.ts';
import { createPublicOnlyFetch } from '../../src/process/public-fetch.ts';

const FIXTURES = `${import.meta.dir}/../fixtures/tls`;
const CERT = await Bun.file(`${FIXTURES}/metadata-host.crt`).text();
const KEY = await Bun.file(`${FIXTURES}/metadata-host.key`).text();

/** A TCP listener on 127.0.0.1 that counts the connections it receives and closes them. */
function countingListener() {
  let connections = 0;
  const listener = Bun.listen({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(socket) {
        connections += 1;
        socket.end();
      },
      data() {},
    },
  });
  return { port: listener.port, connections: () => connections, stop: () => listener.stop(true) };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

const stops: (() => void)[] = [];
afterEach(() => {
  while (stops.length > 0) stops.pop()!();
});
afterAll(() => {
  while (stops.length > 0) stops.pop()!();
});

describe('createPublicOnlyFetch', () => {
  it('refuses localhost, which resolves to 127.0.0.1, without connecting (Bun DNS)', async () => {
    const listener = countingListener();
    stops.push(listener.stop);
    const guarded = createPublicOnlyFetch();
    const err = await rejectionOf(guarded(`https://localhost:${listener.port}/client.json`));
    expect(err).toBeInstanceOf(NonPublicAddressError);
    expect(err).toMatchObject({ host: 'localhost', range: expect.stringContaining('loopback') });
    await Bun.sleep(50);
    expect(listener.connections()).toBe(0);
  });

  it('refuses a name when any one of its addresses is not public, and connects nowhere', async () => {
    const connects: string[] = [];
    const guarded = createPublicOnlyFetch({
      resolve: async () => ['93.184.215.14', '2606:4700::1', '10.0.0.5'],
      fetch: async (url) => {
        connects.push(url);
        return new Response('{}');
      },
    });
    const err = await rejectionOf(guarded('https://mixed.example/client.json'));
    expect(err).toMatchObject({ host: 'mixed.example', address: '10.0.0.5', range: 'private-use 10.0.0.0/8' });
    expect(connects).toEqual([]);
  });

  it('refuses private IP literals and anything but https without resolving or connecting', async () => {
    const calls: string[] = [];
    const guarded = createPublicOnlyFetch({
      resolve: async (host) => {
        calls.push(`resolve ${host}`);
        return ['93.184.215.14'];
      },
      fetch: async (url) => {
        calls.push(`fetch ${url}`);
        return new Response('{}');
      },
    });
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:127.0.0.1]/x',
      'https://[fd00::1]/x',
      'https://2130706433/x',
    ]) {
      expect(await rejectionOf(guarded(url))).toBeInstanceOf(NonPublicAddressError);
    }
    expect(await rejectionOf(guarded('http://public.example/x'))).toBeInstanceOf(TypeError);
    expect(calls).toEqual([]);
  });

  it('connects to the checked address, the name as Host and TLS server name, trying the next on failure', async () => {
    const hosts: string[] = [];
    const server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      tls: { cert: CERT, key: KEY },
      fetch(req) {
        hosts.push(`${req.headers.get('host')} ${new URL(req.url).pathname}${new URL(req.url).search}`);
        return Response.json({ ok: true });
      },
    });
    stops.push(() => void server.stop(true));
    const resolved: string[] = [];
    const attempts: string[] = [];
    const guarded = createPublicOnlyFetch({
      // The loopback addresses stand in for public ones here: nothing else serves TLS in a test.
      findSpecialRange: () => undefined,
      resolve: async (host) => {
        resolved.push(host);
        return ['127.0.0.2', '127.0.0.1'];
      },
      tls: { ca: CERT },
      fetch: (url, init) => {
        attempts.push(new URL(url).hostname);
        return fetch(url, init);
      },
    });
    const res = await guarded(`https://metadata.test:${server.port}/client.json?v=1`, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(resolved).toEqual(['metadata.test']);
    expect(attempts).toEqual(['127.0.0.2', '127.0.0.1']);
    expect(hosts).toEqual([`metadata.test:${server.port} /client.json?v=1`]);
  });

  it('fails when the certificate does not name the host (the server name is checked, not the address)', async () => {
    const server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      tls: { cert: CERT, key: KEY },
      fetch: () => Response.json({}),
    });
    stops.push(() => void server.stop(true));
    const guarded = createPublicOnlyFetch({
      findSpecialRange: () => undefined,
      resolve: async () => ['127.0.0.1'],
      tls: { ca: CERT },
    });
    expect(await rejectionOf(guarded(`https://impostor.test:${server.port}/client.json`))).toBeInstanceOf(Error);
  });
});

describe('client metadata documents through the process fetch', () => {
  it('answers a name that resolves to a private address as "could not be fetched" and logs the address', async () => {
    const warnings: LogFields[] = [];
    const base = createJsonLogger('error');
    const log: Logger = { ...base, warn: (_msg, fields) => void warnings.push(fields ?? {}) };
    const resolver = new ClientMetadataResolver({
      fetch: createPublicOnlyFetch({ resolve: async () => ['192.168.1.20'] }),
      now: () => new Date(),
      log,
    });
    const err = await rejectionOf(resolver.resolve('https://intranet.example/client.json'));
    expect(err).toMatchObject({
      code: 'INVALID_INPUT',
      error: 'invalid_client',
      description: expect.stringContaining('it could not be fetched'),
    });
    expect(warnings).toEqual([
      expect.objectContaining({ address: '192.168.1.20', range: 'private-use 192.168.0.0/16' }),
    ]);
  });
});
