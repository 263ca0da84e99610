/**
 * Sandboxes in DiracX's SandboxMetadataDB on MariaDB, shared with DiracX 0.7.0: a sandbox DiracX
 * registered we find (with its owner, whose row we reuse), one we register and assign DiracX
 * finds assigned to the job, DiracX's assignment to our job we read, our unassignment DiracX
 * sees, and the clean-up removes what nothing references. Needs MariaDB and DiracX's venv with
 * aiomysql; skips without them unless DIRACX_REQUIRE_MARIADB_TESTS=1 /
 * DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { allocateJobIds, insertSubmittedJobs } from '../../../src/db/mysql/job-submission.ts';
import {
  assignSandboxes,
  deleteUnreferenced,
  ensureOwnerId,
  getSandbox,
  insertSandbox,
  jobsOfSandbox,
  lockCleanCandidates,
  lockSandboxes,
  sandboxesOf,
  touchSandbox,
  unassignEntities,
} from '../../../src/db/mysql/sandboxes.ts';
import { jobEntityId } from '../../../src/db/sandboxes.ts';
import {
  callDiracxScript,
  stopDiracxScripts,
  createMysqlTestDatabase,
  type MysqlTestDatabase,
  diracxOnMariadb,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-sandboxes.py');
const SE = 'SandboxSE';
const CHAEN = { owner: 'chaen', ownerGroup: 'lhcb_user', vo: 'lhcb' };
const CHAEN_INFO = { sub: 'lhcb:chaen', preferred_username: 'chaen', dirac_group: 'lhcb_user', vo: 'lhcb' };
const THEIRS = '/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:aaaa.tar.bz2';
const OURS = '/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:bbbb.tar.bz2';
const NOW = new Date('2026-12-06T09:30:00Z');

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('SandboxMetadataDB shared with DiracX on MariaDB', () => {
    it.skip(`each server sees the other's sandboxes (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('SandboxMetadataDB shared with DiracX on MariaDB', () => {
    let t: MysqlTestDatabase;
    let python = '';
    let jobId = 0;

    async function diracxSandboxes(request: Record<string, unknown>): Promise<unknown> {
      return callDiracxScript(python, SCRIPT, t.set.diracxUrl('SandboxMetadataDB'), request, 'SandboxMetadataDB');
    }

    beforeAll(async () => {
      python = shared.startDiracxScripts();
      t = await createMysqlTestDatabase();
      const { database } = t;
      [jobId = 0] = await database.transaction(async ({ db: tx }) => {
        const ids = await allocateJobIds(tx, database.tables, 1);
        await insertSubmittedJobs(
          tx,
          database.tables,
          ids.map((id) => ({
            jdl: { jobId: id, jdl: '[]', jobRequirements: '', originalJdl: '[]' },
            job: { jobId: id, vo: 'lhcb', owner: 'chaen', ownerGroup: 'lhcb_user' },
            inputData: [],
            logging: { jobId: id, status: 'Received', minorStatus: '', applicationStatus: '', timeUs: 0, source: 'x' },
          })),
        );
        return ids;
      });
    }, 60_000);
    afterAll(() => t?.dispose());
    afterAll(stopDiracxScripts);

    it('finds the sandbox DiracX registered, and reuses its owner row', async () => {
      const { database } = t;
      await diracxSandboxes({ op: 'upload', user: CHAEN_INFO, pfn: THEIRS, se_name: SE, size: 1234 });
      const found = await getSandbox(database.db, database.tables, SE, THEIRS);
      expect(found).toMatchObject({ ...CHAEN, assigned: false });
      expect(await database.transaction(({ db: tx }) => ensureOwnerId(tx, database.tables, CHAEN))).toBe(
        found?.ownerId ?? -1,
      );
      expect(
        await touchSandbox(database.db, database.tables, { seName: SE, pfn: THEIRS, vo: 'gridpp', now: NOW }),
      ).toBe(false);
      expect(await touchSandbox(database.db, database.tables, { seName: SE, pfn: THEIRS, vo: 'lhcb', now: NOW })).toBe(
        true,
      );
    });

    it('DiracX finds the sandbox we registered and assigned to a job; we find the one it assigned', async () => {
      const { database } = t;
      await database.transaction(async ({ db: tx }) => {
        const ownerId = await ensureOwnerId(tx, database.tables, CHAEN);
        await insertSandbox(tx, database.tables, { ownerId, seName: SE, pfn: OURS, bytes: 99, now: NOW });
        const [locked] = await lockSandboxes(tx, database.tables, { seName: SE, pfns: [OURS], vo: 'lhcb' });
        const rows = [{ sbId: locked?.sbId ?? 0, entityId: jobEntityId(jobId), type: 'Output' as const }];
        expect(await assignSandboxes(tx, database.tables, rows)).toBe(1);
        expect(await assignSandboxes(tx, database.tables, rows)).toBe(0);
      });
      expect(await diracxSandboxes({ op: 'assigned', job_id: jobId, sb_type: 'Output' })).toEqual([OURS]);
      expect(await diracxSandboxes({ op: 'is_assigned', pfn: OURS, se_name: SE })).toBe(true);
      await diracxSandboxes({ op: 'assign', job_ids: [jobId], pfn: THEIRS, sb_type: 'Input', se_name: SE });
      expect(await sandboxesOf(database.db, database.tables, jobEntityId(jobId), 'Input')).toEqual([THEIRS]);
      const sandbox = await getSandbox(database.db, database.tables, SE, THEIRS);
      expect(
        await jobsOfSandbox(database.db, database.tables, sandbox?.sbId ?? 0, { owner: 'chaen', vo: 'lhcb' }),
      ).toEqual([jobId]);
      expect(
        await jobsOfSandbox(database.db, database.tables, sandbox?.sbId ?? 0, { owner: 'other', vo: 'lhcb' }),
      ).toEqual([]);
    });

    it('our unassignment is seen by DiracX, and the clean-up removes only what nothing references', async () => {
      const { database } = t;
      await database.transaction(({ db: tx }) => unassignEntities(tx, database.tables, [jobEntityId(jobId)]));
      expect(await diracxSandboxes({ op: 'is_assigned', pfn: OURS, se_name: SE })).toBe(false);
      expect(await diracxSandboxes({ op: 'assigned', job_id: jobId, sb_type: 'Input' })).toEqual([]);
      // Both are unreferenced; only one was accessed before the cut.
      const staleBefore = new Date(NOW.getTime() + 1000);
      await touchSandbox(database.db, database.tables, {
        seName: SE,
        pfn: THEIRS,
        vo: 'lhcb',
        now: new Date(NOW.getTime() + 60_000),
      });
      const removed = await database.transaction(async ({ db: tx }) => {
        const candidates = await lockCleanCandidates(tx, database.tables, {
          seName: SE,
          staleBefore,
          afterSbId: 0,
          limit: 10,
        });
        expect(candidates.map((c) => c.pfn)).toEqual([OURS]);
        return deleteUnreferenced(tx, database.tables, {
          sbIds: candidates.map((c) => c.sbId),
          seName: SE,
          staleBefore,
        });
      });
      expect(removed).toBe(1);
      expect(await getSandbox(database.db, database.tables, SE, OURS)).toBeUndefined();
      expect(await getSandbox(database.db, database.tables, SE, THEIRS)).toBeDefined();
    });
  });
}
