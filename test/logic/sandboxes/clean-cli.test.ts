/**
 * `bun run sandbox-clean` as an operator runs it (a child process with the server's settings,
 * here the embedded database in a data directory and the local store): it deletes a stale
 * unassigned sandbox, object and row, keeps one a job references, and exits 0; a bad option
 * exits 1 with one line naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PostgresDatabase } from '../../../src/db/database.ts';
import { migrateDatabase } from '../../../src/db/migrate.ts';
import { openDatabase } from '../../../src/db/open.ts';
import { sandboxEntityMapping, sandboxes, sandboxOwners } from '../../../src/db/schema/sandboxes.ts';
import { FsBlobDirectory } from '../../../src/storage/fs-directory.ts';
import { REPO_ROOT } from '../../harness/server-process.ts';
import { postgresOf } from '../../harness/database.ts';

let root: string;
const dataDir = (): string => join(root, 'data');
const storeDir = (): string => join(root, 'store');
const OLD = new Date(Date.now() - 30 * 86_400_000);
const STALE = '/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:stale.tar.zst';
const USED = '/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:used.tar.zst';
const keyOf = (pfn: string): string => pfn.split('/').slice(3).join('/');

async function withDatabase<T>(fn: (db: PostgresDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase({ dataDir: dataDir() });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function runCli(args: string[]): Promise<{ code: number; stderr: string }> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DIRACX_DATA_DIR: dataDir(),
    DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY: storeDir(),
  };
  delete env.DATABASE_URL;
  delete env.DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS;
  const proc = Bun.spawn({
    cmd: [process.execPath, 'run', '--silent', 'sandbox-clean', ...args],
    cwd: REPO_ROOT,
    env,
    stdout: 'ignore',
    stderr: 'pipe',
  });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  return { code, stderr };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sandbox-clean-cli-'));
  const store = new FsBlobDirectory(storeDir());
  await store.write(keyOf(STALE), new Uint8Array([1]));
  await store.write(keyOf(USED), new Uint8Array([2]));
  await withDatabase(async (database) => {
    await migrateDatabase(database);
    const [owner] = await postgresOf(database)
      .db.insert(sandboxOwners)
      .values({ owner: 'chaen', ownerGroup: 'lhcb_user', vo: 'lhcb' })
      .returning({ id: sandboxOwners.ownerId });
    const rows = await postgresOf(database)
      .db.insert(sandboxes)
      .values(
        [STALE, USED].map((pfn) => ({
          ownerId: owner!.id,
          seName: 'SandboxSE',
          sePfn: pfn,
          bytes: 1,
          registrationTime: OLD,
          lastAccessTime: OLD,
          assigned: pfn === USED,
        })),
      )
      .returning({ sbId: sandboxes.sbId, pfn: sandboxes.sePfn });
    const used = rows.find((r) => r.pfn === USED)!;
    await postgresOf(database)
      .db.insert(sandboxEntityMapping)
      .values({ sbId: used.sbId, entityId: 'Job:1', type: 'Input' });
  });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('bun run sandbox-clean (embedded database, local store)', () => {
  it('deletes the stale unassigned sandbox and keeps the referenced one', async () => {
    const { code, stderr } = await runCli(['--days', '15']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const store = new FsBlobDirectory(storeDir());
    expect(await store.exists(keyOf(STALE))).toBe(false);
    expect(await store.exists(keyOf(USED))).toBe(true);
    const left = await withDatabase((database) =>
      postgresOf(database).db.select({ pfn: sandboxes.sePfn }).from(sandboxes),
    );
    expect(left.map((r) => r.pfn)).toEqual([USED]);
  });

  it('exits 1 with one line naming a bad option', async () => {
    const { code, stderr } = await runCli(['--days', 'soon']);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')[0]).toBe(
      'diracx: sandbox-clean failed: --days expects a non-negative integer, got soon',
    );
  });
});
