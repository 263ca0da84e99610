/**
 * @module process/keystore-source
 * Where the token keystore comes from, as DiracX's `DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE`: inline
 * JSON, or a file (`file:///path` or a plain path). When none is given, a development keystore
 * is generated on first run and kept in the data directory (in memory only with `memory://`).
 * A keystore file is watched, so `bun run keys rotate` takes effect without a restart.
 */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeystore, KeystoreError, parseKeystore, type Keystore } from '../logic/auth/tokens/keystore.ts';

export interface KeystoreLocation {
  /** The file holding the keystore; undefined for inline JSON or an in-memory keystore. */
  path: string | undefined;
  keystore: Keystore;
  /** True when this run generated it (development default). */
  generated: boolean;
}

/** The file a keystore setting names, or undefined when the setting holds the JSON itself. */
export function keystorePath(setting: string | undefined, dataDir: string, inMemory: boolean): string | undefined {
  if (setting === undefined) return inMemory ? undefined : join(dataDir, 'keystore.json');
  if (setting.trimStart().startsWith('{')) return undefined;
  return setting.startsWith('file://') ? fileURLToPath(setting) : setting;
}

/** Decodes and validates keystore JSON text; errors name the source on one line. */
export function keystoreFromText(text: string, source: string): Keystore {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new KeystoreError(`${source}: not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return parseKeystore(raw);
  } catch (err) {
    throw new KeystoreError(`${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Writes a keystore file readable by its owner only. */
export async function writeKeystoreFile(path: string, keystore: Keystore): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(keystore, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  // Rename is atomic: a watching server never reads a half-written keystore.
  await rename(temporary, path);
}

/** Loads the keystore the setting names, generating the development one when needed. */
export async function loadKeystore(
  setting: string | undefined,
  dataDir: string,
  inMemory: boolean,
): Promise<KeystoreLocation> {
  const path = keystorePath(setting, dataDir, inMemory);
  if (setting !== undefined && path === undefined) {
    return { path, keystore: keystoreFromText(setting, 'DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE'), generated: false };
  }
  if (path === undefined) return { path, keystore: await generateKeystore(), generated: true };
  const file = Bun.file(path);
  if (await file.exists()) return { path, keystore: keystoreFromText(await file.text(), path), generated: false };
  if (setting !== undefined) throw new KeystoreError(`${path}: no such file`);
  const keystore = await generateKeystore();
  await writeKeystoreFile(path, keystore);
  return { path, keystore, generated: true };
}
