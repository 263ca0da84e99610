/**
 * DiracX's TaskQueueDB on MariaDB, shared with DiracX 0.7.0: removing jobs from their task queues
 * deletes the enabled queues left empty (with their requirement rows) and keeps the others; DiracX
 * then finds the remaining jobs' queues and no longer the removed ones, and its own removals are
 * what we see. Needs MariaDB and DiracX's venv with aiomysql; skips without them unless
 * DIRACX_REQUIRE_MARIADB_TESTS=1 / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { removeJobsFromTaskQueues } from '../../../src/db/mysql/task-queue.ts';
import {
  callDiracxScript,
  stopDiracxScripts,
  createMysqlTestDatabase,
  type MysqlTestDatabase,
  diracxOnMariadb,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-task-queues.py');

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('TaskQueueDB shared with DiracX on MariaDB', () => {
    it.skip(`removals by either are seen by the other (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('TaskQueueDB shared with DiracX on MariaDB', () => {
    let t: MysqlTestDatabase;
    let python = '';
    const queues: number[] = [];

    async function diracxTq(request: Record<string, unknown>): Promise<unknown> {
      return callDiracxScript(python, SCRIPT, t.set.diracxUrl('TaskQueueDB'), request, 'TaskQueueDB');
    }

    beforeAll(async () => {
      python = shared.startDiracxScripts();
      t = await createMysqlTestDatabase();
      const { db, tables } = t.database;
      // Three queues as DIRAC's matcher fills them: 1 (jobs 1, 2), 2 (job 3), 3 (job 4, disabled).
      for (const enabled of [true, true, false]) {
        const [header] = await db.insert(tables.taskQueues).values({
          owner: 'chaen',
          ownerGroup: 'lhcb_user',
          vo: 'lhcb',
          cpuTime: 86400,
          priority: 1,
          enabled,
        });
        queues.push(header.insertId);
      }
      const [q1 = 0, q2 = 0, q3 = 0] = queues;
      await db.insert(tables.taskQueueJobs).values([
        { tqId: q1, jobId: 1, priority: 1, realPriority: 1 },
        { tqId: q1, jobId: 2, priority: 1, realPriority: 1 },
        { tqId: q2, jobId: 3, priority: 1, realPriority: 1 },
        { tqId: q3, jobId: 4, priority: 1, realPriority: 1 },
      ]);
      await db.insert(tables.tqToSites).values({ tqId: q2, value: 'LCG.CERN.cern' });
    }, 60_000);
    afterAll(() => t?.dispose());
    afterAll(stopDiracxScripts);

    it('deletes the enabled queues left empty, keeps the others, and DiracX sees the result', async () => {
      const { database } = t;
      const [q1 = 0, q2 = 0, q3 = 0] = queues;
      const removed = await database.transaction(({ db: tx }) =>
        removeJobsFromTaskQueues(tx, database.tables, [1, 3, 4, 99]),
      );
      expect(removed).toEqual({
        touched: [q1, q2, q3],
        deleted: [{ tqId: q2, owner: 'chaen', ownerGroup: 'lhcb_user', vo: 'lhcb' }],
      });
      expect(await diracxTq({ op: 'infos', job_ids: [1, 2, 3, 4] })).toEqual([[q1, 'chaen', 'lhcb_user', 'lhcb']]);
      expect(await database.db.select().from(database.tables.tqToSites)).toEqual([]);
      const left = await database.db.select({ tqId: database.tables.taskQueues.tqId }).from(database.tables.taskQueues);
      expect(left.map((q) => q.tqId).sort((a, b) => a - b)).toEqual([q1, q3]);
    });

    it("sees DiracX's removals: a job DiracX took out of its queue is in none for us either", async () => {
      const { database } = t;
      await diracxTq({ op: 'remove', job_ids: [2] });
      expect(await diracxTq({ op: 'infos', job_ids: [2] })).toEqual([]);
      expect(await database.transaction(({ db: tx }) => removeJobsFromTaskQueues(tx, database.tables, [2]))).toEqual({
        touched: [],
        deleted: [],
      });
    });
  });
}
