/**
 * A live server of ours for DiracX's own client: `bun run server` as a child process (embedded
 * database and local sandbox store in a scratch directory, resource statuses set beforehand
 * with `bun run rss`'s commands) on a fixed free port, its issuer that URL, lhcb's identity
 * provider a real `oidc-provider` instance that the test plays the person at. Also the person's
 * side of a device login and DiracX's credentials file format.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { openMigratedDatabase } from '../../src/db/open.ts';
import { runRssCommand } from '../../src/process/rss-command.ts';
import { ALBDR_SUB, CHAEN_SUB, DEVICE_GRANT, DIRAC_CLIENT_ID, IDP_CLIENT_ID, LHCBADMIN_SUB } from '../harness/login.ts';
import { startTestIdp, type TestIdp } from '../harness/oidc-provider.ts';
import { findFreePort, type RunningServer, startServer } from '../harness/server-process.ts';

/** lhcbpilot's subject in the shipped configuration (group lhcb_pilot, GenericPilot). */
export const LHCBPILOT_SUB = 'b0b58adc-b24c-4dba-a105-9d474c1f1431';

export interface LiveServer {
  /** `http://127.0.0.1:<port>`, no trailing slash: DIRACX_URL and the issuer. */
  base: string;
  server: RunningServer;
  idp: TestIdp;
  /** A scratch directory, removed by `stop`. */
  dir: string;
  stop(): Promise<void>;
}

export interface LiveServerOptions {
  /**
   * `bun run rss` commands (e.g. `['set', 'site', 'LCG.CERN.cern', 'Banned']`) run on the
   * server's embedded database before it starts (that database admits one process at a time).
   */
  rss?: readonly (readonly string[])[];
}

/** Migrates the embedded database in `dataDir` and runs the `bun run rss` commands on it. */
async function seedResourceStatus(dataDir: string, commands: readonly (readonly string[])[]): Promise<void> {
  const database = await openMigratedDatabase({ dataDir, thread: 'inline' }, (db) => migrateDatabase(db));
  try {
    const errors: string[] = [];
    for (const command of commands) {
      const code = await runRssCommand([...command], {
        database,
        now: () => new Date(),
        out: () => {},
        err: (line) => errors.push(line),
      });
      if (code !== 0) throw new Error(`bun run rss ${command.join(' ')}: exit ${code}: ${errors.join('; ')}`);
    }
  } finally {
    await database.close();
  }
}

export async function startLiveServer(options: LiveServerOptions = {}): Promise<LiveServer> {
  const port = findFreePort();
  const base = `http://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'diracx-interop-'));
  const idp = await startTestIdp({
    users: [
      { sub: CHAEN_SUB, preferredUsername: 'chaen' },
      { sub: ALBDR_SUB, preferredUsername: 'albdr' },
      { sub: LHCBADMIN_SUB, preferredUsername: 'lhcbadmin' },
      { sub: LHCBPILOT_SUB, preferredUsername: 'lhcbpilot' },
    ],
    clients: [{ clientId: IDP_CLIENT_ID, redirectUris: [`${base}/api/auth/device/complete`] }],
  });
  try {
    // The shipped configuration, lhcb's identity provider pointed at the test one.
    const raw = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()) as {
      Registry: { lhcb: { IdP: { URL: string } } };
    };
    raw.Registry.lhcb.IdP.URL = idp.issuer;
    const configPath = join(dir, 'config.json');
    await writeFile(configPath, JSON.stringify(raw));
    const dataDir = join(dir, 'data');
    await seedResourceStatus(dataDir, options.rss ?? []);
    const server = await startServer({
      DIRACX_DATA_DIR: dataDir,
      PORT: String(port),
      DIRACX_SERVICE_AUTH_TOKEN_ISSUER: base,
      DIRACX_CONFIG: configPath,
      DIRACX_ACCESS_LOG: 'false',
      // Generous: one run logs in a few times and polls the token endpoint.
      DIRACX_SERVICE_AUTH_TOKEN_RATE_LIMIT_PER_MINUTE: '10000',
      DIRACX_SERVICE_AUTH_LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    });
    return {
      base,
      server,
      idp,
      dir,
      stop: async () => {
        await server.stop();
        await idp.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await idp.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The person's side of a device login: opens the verification URL our server showed, logs in
 * at the IdP as `sub` and consents, and follows the IdP's redirect back to our server.
 */
export async function approveDeviceLogin(live: LiveServer, verificationUrl: string, sub: string): Promise<void> {
  const toIdp = await fetch(verificationUrl, { redirect: 'manual' });
  const location = toIdp.headers.get('location');
  if (toIdp.status !== 307 || !location) throw new Error(`verification URL: ${toIdp.status} ${await toIdp.text()}`);
  const callback = await live.idp.loginAs(sub, location);
  const finished = await fetch(callback, { redirect: 'manual' });
  await finished.body?.cancel();
  if (finished.status !== 307) throw new Error(`device callback: ${finished.status}`);
}

export interface TokenBody {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/** A whole device login over HTTP (as the CLI does it), for identities the test needs beside the CLI's. */
export async function deviceLoginOverHttp(live: LiveServer, sub: string, scope: string): Promise<TokenBody> {
  const query = new URLSearchParams({ client_id: DIRAC_CLIENT_ID, scope });
  const started = await fetch(`${live.base}/api/auth/device?${query}`, { method: 'POST' });
  if (started.status !== 200) throw new Error(`device authorization: ${started.status} ${await started.text()}`);
  const device = (await started.json()) as { device_code: string; verification_uri_complete: string };
  await approveDeviceLogin(live, device.verification_uri_complete, sub);
  const token = await fetch(`${live.base}/api/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: DEVICE_GRANT,
      device_code: device.device_code,
      client_id: DIRAC_CLIENT_ID,
    }),
  });
  if (token.status !== 200) throw new Error(`token: ${token.status} ${await token.text()}`);
  return (await token.json()) as TokenBody;
}

/** DiracX's credentials file (`diracx.core.utils.write_credentials`): the token, its expiry in epoch seconds. */
export async function writeCredentials(path: string, token: TokenBody): Promise<void> {
  const expiresOn = Math.floor(Date.now() / 1000) + token.expires_in - 30;
  await writeFile(
    path,
    JSON.stringify({ access_token: token.access_token, refresh_token: token.refresh_token, expires_on: expiresOn }),
  );
}
