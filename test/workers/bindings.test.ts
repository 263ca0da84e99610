/**
 * The worker's bindings: settings validated as the process validates its environment, the
 * configuration document as JSON text or a JSON object, the keystore as inline JSON only, the
 * database from DATABASE_URL or Hyperdrive, and each wrong or missing binding refused with one
 * line naming it. The login flows' settings match the process's mapping exactly.
 */
import { describe, expect, it } from 'bun:test';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import { generateKeystore } from '../../src/logic/auth/tokens/keystore.ts';
import type { LogFields, Logger } from '../../src/core/logger.ts';
import { parseSettings } from '../../src/settings.ts';
import { createWorker } from '../../src/workers-entry/app.ts';
import {
  configFromBindings,
  databaseUrlFromBindings,
  keystoreFromBindings,
  settingsFromBindings,
  WorkerBindingError,
} from '../../src/workers-entry/bindings.ts';

const rawConfig: unknown = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text());
const configText = JSON.stringify(rawConfig);

async function refusal(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (err) {
    expect(err).toBeInstanceOf(WorkerBindingError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a WorkerBindingError');
}

describe('worker settings', () => {
  it('reads the text bindings as the process reads its environment, ignoring other bindings', () => {
    const settings = settingsFromBindings({
      DIRACX_MCP_CONFIRM_THRESHOLD: '3',
      HYPERDRIVE: { connectionString: 'x' },
      UNRELATED: 'y',
    });
    expect(settings.DIRACX_MCP_CONFIRM_THRESHOLD).toBe(3);
  });

  it('refuses a wrong value with the process’s one line, and a configuration file path', async () => {
    expect(await refusal(() => settingsFromBindings({ DIRACX_MCP_CONFIRM_THRESHOLD: 'many' }))).toContain(
      'DIRACX_MCP_CONFIRM_THRESHOLD',
    );
    expect(await refusal(() => settingsFromBindings({ DIRACX_CONFIG: '/etc/diracx/config.yml' }))).toStartWith(
      'DIRACX_CONFIG names a file',
    );
    expect(
      await refusal(() => settingsFromBindings({ DIRACX_CONFIG_BACKEND_URL: 'git+file:///srv/cs-repo' })),
    ).toStartWith('DIRACX_CONFIG_BACKEND_URL names a git repository');
  });
});

describe('worker configuration binding', () => {
  it('accepts JSON text, with the ETag of that text', async () => {
    const snapshot = await configFromBindings({ DIRACX_CONFIG_DOCUMENT: configText });
    expect(Object.keys(snapshot.config.Registry)).toContain('lhcb');
    expect(snapshot.etag).toBe(new Bun.CryptoHasher('sha256').update(configText).digest('hex'));
    expect(snapshot.lastModified.getTime()).toBe(0);
  });

  it('accepts a JSON object binding and a modification date', async () => {
    const snapshot = await configFromBindings({
      DIRACX_CONFIG_DOCUMENT: rawConfig,
      DIRACX_CONFIG_MODIFIED: '2026-11-26T10:20:30.400Z',
    });
    expect(Object.keys(snapshot.config.Registry)).toContain('lhcb');
    expect(snapshot.lastModified.toISOString()).toBe('2026-11-26T10:20:30.000Z');
  });

  it('refuses a missing, non-JSON or invalid document and a bad date, naming the binding', async () => {
    expect(await refusal(() => configFromBindings({}))).toStartWith('DIRACX_CONFIG_DOCUMENT is not set');
    expect(await refusal(() => configFromBindings({ DIRACX_CONFIG_DOCUMENT: 'Registry:\n  lhcb: {}' }))).toContain(
      'converted to JSON',
    );
    expect(await refusal(() => configFromBindings({ DIRACX_CONFIG_DOCUMENT: '{"Registry": 3}' }))).toStartWith(
      'DIRACX_CONFIG_DOCUMENT: invalid configuration',
    );
    expect(
      await refusal(() =>
        configFromBindings({ DIRACX_CONFIG_DOCUMENT: configText, DIRACX_CONFIG_MODIFIED: 'yesterday' }),
      ),
    ).toStartWith('DIRACX_CONFIG_MODIFIED');
  });
});

describe('worker keystore binding', () => {
  it('reads the inline JSON keystore', async () => {
    const keystore = await generateKeystore('Ed25519');
    const settings = parseSettings({ DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: JSON.stringify(keystore) });
    expect(keystoreFromBindings(settings).keys.map((k) => k.kid)).toEqual(keystore.keys.map((k) => k.kid));
  });

  it('refuses a missing keystore, a file path and a broken document, never echoing the secret', async () => {
    expect(await refusal(() => keystoreFromBindings(parseSettings({})))).toStartWith(
      'DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE is not set',
    );
    expect(
      await refusal(() =>
        keystoreFromBindings(parseSettings({ DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: 'file:///keys.json' })),
      ),
    ).toContain('names a file');
    const broken = await refusal(() =>
      keystoreFromBindings(
        parseSettings({ DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: '{"keys": [{"d": "SECRETMATERIAL"}]}' }),
      ),
    );
    expect(broken).toStartWith('DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: invalid keystore');
    expect(broken).not.toContain('SECRETMATERIAL');
  });
});

describe('worker database binding', () => {
  it('takes DATABASE_URL, else a Hyperdrive binding’s connection string, else refuses', async () => {
    const url = 'postgres://u@db.example:5432/diracx';
    expect(databaseUrlFromBindings({}, parseSettings({ DATABASE_URL: url }))).toBe(url);
    expect(databaseUrlFromBindings({ HYPERDRIVE: { connectionString: url } }, parseSettings({}))).toBe(url);
    expect(await refusal(() => databaseUrlFromBindings({}, parseSettings({})))).toContain('HYPERDRIVE');
  });
});

describe('a worker with a missing binding', () => {
  it('answers 500 without details and logs one line naming the binding, on every request until fixed', async () => {
    const errors: { msg: string; fields?: LogFields }[] = [];
    const log: Logger = {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (msg, fields) => void errors.push({ msg, fields }),
    };
    const worker = createWorker([], log);
    const env = { DIRACX_CONFIG_DOCUMENT: configText, DIRACX_SERVICE_AUTH_TOKEN_ISSUER: 'http://localhost' };
    for (let i = 0; i < 2; i++) {
      const res = await worker.fetch(new Request('http://localhost/api/health/live'), env, { waitUntil: () => {} });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ detail: 'The server is not configured correctly' });
    }
    expect(errors).toHaveLength(2);
    expect(String(errors[0]?.fields?.message)).toStartWith('DIRACX_SERVICE_AUTH_STATE_KEY is not set');
  });
});
