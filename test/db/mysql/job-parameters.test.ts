/**
 * Job parameter documents of a standalone MySQL installation (our own database): writes merge
 * key by key as on PostgreSQL (a nested object is replaced, not merged), several updates of one
 * job in one call fold together, reads return the documents of the jobs asked for, and deleting
 * a job deletes its document (no foreign key reaches our database from DiracX's JobDB). Needs
 * MariaDB; skips without it unless DIRACX_REQUIRE_MARIADB_TESTS=1.
 */
import { expect, it } from 'bun:test';
import { getJobParameters, upsertJobParameters } from '../../../src/db/mysql/job-parameters.ts';
import { deleteJobs } from '../../../src/db/mysql/job-status.ts';
import { allocateJobIds } from '../../../src/db/mysql/job-submission.ts';
import { describeOnMariadb } from '../../harness/mariadb.ts';

const NOW = new Date('2026-12-06T09:30:00Z');

await describeOnMariadb('job parameter documents on MySQL', (t) => {
  it('merges key by key, replacing nested objects, and folds updates of one job', async () => {
    const { database } = t;
    await database.transaction(({ db: tx }) =>
      upsertJobParameters(
        tx,
        database.tables,
        [
          { jobId: 1, vo: 'lhcb', parameters: { HostName: 'wn1', Info: { a: 1, b: 2 } } },
          { jobId: 1, vo: 'lhcb', parameters: { CPUNormalizationFactor: 9.5 } },
          { jobId: 2, vo: 'lhcb', parameters: {} },
        ],
        NOW,
      ),
    );
    await database.transaction(({ db: tx }) =>
      upsertJobParameters(tx, database.tables, [{ jobId: 1, vo: 'lhcb', parameters: { Info: { c: 3 } } }], NOW),
    );
    expect(await getJobParameters(database.db, database.tables, [1, 2, 3])).toEqual(
      new Map([[1, { HostName: 'wn1', Info: { c: 3 }, CPUNormalizationFactor: 9.5 }]]),
    );
  });

  it('deletes the documents of the jobs it deletes, and only theirs', async () => {
    const { database } = t;
    const [gone, kept] = await database.transaction(({ db: tx }) => allocateJobIds(tx, database.tables, 2));
    const parameters = { HostName: 'wn2' };
    await database.transaction(({ db: tx }) =>
      upsertJobParameters(
        tx,
        database.tables,
        [gone!, kept!].map((jobId) => ({ jobId, vo: 'lhcb', parameters })),
        NOW,
      ),
    );
    const deleted = await database.transaction(({ db: tx }) => deleteJobs(tx, database.tables, [gone!, 999_999]));
    expect(deleted).toEqual([gone!]);
    expect(await getJobParameters(database.db, database.tables, [gone!, kept!])).toEqual(
      new Map([[kept!, parameters]]),
    );
  });
});
