/**
 * Shared fixture of the sandbox logic tests: a test database, a local store in a temporary
 * directory, a settable clock, users as the logic sees them, and helpers that register and
 * upload a sandbox and read the sandbox rows back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthedUser } from '../../../src/core/user.ts';
import { createJsonLogger, type Logger } from '../../../src/core/logger.ts';
import type { SandboxContext } from '../../../src/logic/sandboxes/context.ts';
import type { SandboxStoreSettings } from '../../../src/logic/sandboxes/models.ts';
import { pfnToKey, shortPfn } from '../../../src/logic/sandboxes/pfn.ts';
import { initiateSandboxUpload } from '../../../src/logic/sandboxes/upload.ts';
import { FsBlobDirectory } from '../../../src/storage/fs-directory.ts';
import { importSigningSecret } from '../../../src/storage/local-signature.ts';
import { LocalObjectStore } from '../../../src/storage/local-store.ts';
import { toHex } from '../../../src/storage/object-store.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { deleteEverySandbox, readSandboxMappings, readSandboxRow } from '../../harness/sandbox-rows.ts';

export const SETTINGS: SandboxStoreSettings = {
  bucketName: 'sandboxes',
  seName: 'SandboxSE',
  urlValiditySeconds: 300,
  maxSizeBytes: 100 * 1024 * 1024,
};
export const T0 = new Date('2026-02-01T00:00:00Z');
export const DAY_MS = 86_400_000;

/** A user as the verified token gives it. */
export function userOf(
  preferredUsername: string,
  diracGroup = 'lhcb_user',
  vo = 'lhcb',
  properties = ['NormalUser'],
): AuthedUser {
  return {
    sub: `${vo}:${preferredUsername}`,
    preferredUsername,
    vo,
    diracGroup,
    properties,
    tokenId: crypto.randomUUID(),
    policies: {},
    expiresAt: 0,
  };
}

export interface SandboxFixture {
  t: TestDatabase;
  store: LocalObjectStore;
  log: Logger;
  /** The clock of every context made here. */
  setNow(date: Date): void;
  now(): Date;
  ctx(user: AuthedUser): SandboxContext;
  /** Empties the sandbox tables and sets the clock back to T0 (between tests). */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

export async function createSandboxFixture(): Promise<SandboxFixture> {
  const t = await createTestDatabase();
  const root = await mkdtemp(join(tmpdir(), 'sandbox-logic-'));
  const directory = new FsBlobDirectory(root);
  let now = T0;
  const store = new LocalObjectStore({
    directory,
    signingKey: await importSigningSecret(await directory.signingSecret()),
    maxSizeBytes: SETTINGS.maxSizeBytes,
    now: () => now,
  });
  const log = createJsonLogger('error', () => {});
  return {
    t,
    store,
    log,
    setNow: (d) => (now = d),
    now: () => now,
    ctx: (user) => ({ database: t.database, store, settings: SETTINGS, user, now: () => now, origin: 'http://test' }),
    reset: async () => {
      now = T0;
      await deleteEverySandbox(t.database);
    },
    dispose: async () => {
      await t.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Registers random bytes as `user`'s sandbox and uploads them (unless `upload` is false); returns the full PFN. */
export async function addSandbox(f: SandboxFixture, user: AuthedUser, upload = true): Promise<string> {
  const data = crypto.getRandomValues(new Uint8Array(128));
  const checksum = toHex(await crypto.subtle.digest('SHA-256', data));
  const res = await initiateSandboxUpload(f.ctx(user), {
    checksum_algorithm: 'sha256',
    checksum,
    size: data.length,
    format: 'tar.bz2',
  });
  if (upload && res.url) await f.store.receiveUpload(res.fields, new Blob([data]));
  return res.pfn;
}

export const keyOf = (pfn: string): string => pfnToKey(shortPfn(pfn));

export interface StoredSandbox {
  pfn: string;
  assigned: boolean;
  lastAccessTime: Date;
  entities: string[];
}

/** The row of a sandbox and its mappings, or undefined when it is gone. */
export async function readSandbox(f: SandboxFixture, pfn: string): Promise<StoredSandbox | undefined> {
  const row = await readSandboxRow(f.t.database, shortPfn(pfn));
  if (!row) return undefined;
  const entities = await readSandboxMappings(f.t.database, row.sbId);
  return {
    pfn: row.sePfn,
    assigned: row.assigned,
    lastAccessTime: row.lastAccessTime,
    entities,
  };
}
