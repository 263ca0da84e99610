/**
 * The real server process drains in-flight requests on SIGTERM: a sandbox upload to the local
 * store, held open by a client that has sent only part of its body, is still answered 204 and
 * stored after the signal, while the process refuses new connections; once it is answered the
 * process logs "stopped" and exits 0 without reaching the end of DIRACX_SHUTDOWN_GRACE_SECONDS.
 * Past the grace period the held request is cut off instead: no answer, nothing stored, and
 * the process still exits 0 with the "grace period over" warning.
 *
 * The upload is written on a raw TCP connection, so the test decides when the last bytes go
 * out; the store's temporary file shows that the server's handler is reading the body.
 */
import { afterAll, afterEach, describe, expect, it } from 'bun:test';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobDirectory } from '../../src/storage/fs-directory.ts';
import { LOCAL_UPLOAD_PATH } from '../../src/storage/local-store.ts';
import { makeSandbox } from '../routes/sandboxes/app.ts';
import { formParts } from '../security/local-upload.ts';
import { serverToken, startServer, waitFor, type RunningServer } from '../harness/server-process.ts';

const SANDBOX_BYTES = 64 * 1024;

/** A raw HTTP/1.1 connection: what the server wrote back, and whether it closed. */
interface RawConnection {
  write(bytes: Uint8Array | string): void;
  /** Everything received, once the server has closed the connection. */
  readonly closed: Promise<string>;
}

async function connect(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const decoder = new TextDecoder();
  let received = '';
  let onClosed: (text: string) => void = () => {};
  const closed = new Promise<string>((resolve) => {
    onClosed = resolve;
  });
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_socket, chunk) {
        received += decoder.decode(chunk, { stream: true });
      },
      close() {
        onClosed(received);
      },
      error() {
        onClosed(received);
      },
    },
  });
  return {
    write(bytes) {
      socket.write(bytes);
      socket.flush();
    },
    closed,
  };
}

/** Whether a new connection to the server is refused (the listener is closed). */
async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(new URL('api/health/live', url));
    return false;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return err instanceof Error && /ECONNREFUSED|Unable to connect/i.test(`${String(code)} ${err.message}`);
  }
}

interface HeldUpload {
  connection: RawConnection;
  key: string;
  data: Uint8Array<ArrayBuffer>;
  /** Sends the rest of the body. */
  finish(): void;
}

/**
 * Registers a sandbox as chaen and starts its upload on a raw connection with all but the last
 * bytes of the body; resolves once the store's temporary file shows the handler reading it.
 */
async function holdUpload(server: RunningServer, root: string): Promise<HeldUpload> {
  const token = await serverToken({ vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' });
  const sandbox = await makeSandbox(SANDBOX_BYTES);
  const registered = await fetch(new URL('api/jobs/sandbox', server.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(sandbox.info),
  });
  expect(registered.status).toBe(200);
  const { url, fields } = (await registered.json()) as { url: string; fields: Record<string, string> };
  expect(new URL(url).pathname).toBe(LOCAL_UPLOAD_PATH);

  const { head, tail, contentType } = formParts(fields);
  const body = new Uint8Array(head.byteLength + sandbox.data.byteLength + tail.byteLength);
  body.set(head, 0);
  body.set(sandbox.data, head.byteLength);
  body.set(tail, head.byteLength + sandbox.data.byteLength);
  const held = head.byteLength + sandbox.data.byteLength / 2;

  const { host } = new URL(server.url);
  const connection = await connect(server.url);
  connection.write(
    `POST ${LOCAL_UPLOAD_PATH} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${contentType}\r\n` +
      `Content-Length: ${body.byteLength}\r\nConnection: close\r\n\r\n`,
  );
  connection.write(body.subarray(0, held));
  const inStore = async (): Promise<boolean> =>
    (await readdir(root, { recursive: true })).some((name) => name.split('/').at(-1)?.startsWith('.upload-'));
  await waitFor(inStore, { description: 'the upload to reach the store' });
  return { connection, key: fields.key ?? '', data: sandbox.data, finish: () => connection.write(body.subarray(held)) };
}

const shuttingDown = (server: RunningServer): boolean => server.logs().some((line) => line.msg === 'shutting down');

describe('server process drains in-flight requests on SIGTERM', () => {
  const servers: RunningServer[] = [];
  const roots: string[] = [];
  const storeRoot = async (): Promise<string> => {
    const root = await mkdtemp(join(tmpdir(), 'diracx-drain-'));
    roots.push(root);
    return root;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL').catch(() => undefined)));
  });
  afterAll(async () => {
    await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
  });

  it('answers and stores an upload in flight at SIGTERM, refusing new connections meanwhile; exits 0', async () => {
    const root = await storeRoot();
    const server = await startServer({
      DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY: root,
      DIRACX_SHUTDOWN_GRACE_SECONDS: '120',
    });
    servers.push(server);
    const upload = await holdUpload(server, root);

    server.signal('SIGTERM');
    await waitFor(() => shuttingDown(server), { description: 'the "shutting down" line' });
    // The listener is closed while the upload is still open.
    await waitFor(() => refusesConnections(server.url), { description: 'new connections to be refused' });
    expect(server.running()).toBe(true);

    upload.finish();
    const answer = await upload.connection.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 204 /);

    expect(await server.exited).toBe(0);
    const logs = server.logs();
    expect(logs.at(-1)?.msg).toBe('stopped');
    expect(logs.map((line) => line.msg)).not.toContain('grace period over; closing remaining connections');
    // Answered after the signal, as logged by the server itself.
    const shutdownAt = logs.findIndex((line) => line.msg === 'shutting down');
    const uploadAt = logs.findIndex((line) => line.msg === 'request' && line.path === LOCAL_UPLOAD_PATH);
    expect(uploadAt).toBeGreaterThan(shutdownAt);
    expect(logs[uploadAt]?.status).toBe(204);
    const stored = await new FsBlobDirectory(root).read(upload.key);
    expect(stored).toBeDefined();
    expect(new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(upload.data);
    expect(server.stderr).toEqual([]);
  });

  it('cuts off an upload still in flight when the grace period ends: no answer, nothing stored, exit 0', async () => {
    const root = await storeRoot();
    const server = await startServer({
      DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY: root,
      DIRACX_SHUTDOWN_GRACE_SECONDS: '1',
    });
    servers.push(server);
    const upload = await holdUpload(server, root);

    server.signal('SIGTERM');
    const answer = await upload.connection.closed;
    expect(answer).not.toMatch(/^HTTP\/1\.1 2/);

    expect(await server.exited).toBe(0);
    const messages = server.logs().map((line) => line.msg);
    expect(messages).toContain('grace period over; closing remaining connections');
    expect(messages.at(-1)).toBe('stopped');
    expect(await new FsBlobDirectory(root).exists(upload.key)).toBe(false);
  });
});
