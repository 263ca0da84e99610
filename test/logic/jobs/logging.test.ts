/**
 * The LoggingInfo queries the status logic relies on, ported from DiracX's
 * `test_job_logging_db.py`: bulk insertion for many jobs, history read back in time order, the
 * latest record time per job in one query, deletion, and the StatusTimeOrder encoding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  deleteLoggingRecords,
  fromStatusTimeOrder,
  getLoggingRecords,
  insertLoggingRecords,
  latestRecordTimes,
  toStatusTimeOrder,
  type LoggingRecord,
} from '../../../src/db/job-logging.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.dispose());

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const date1 = NOW - 60_000;
const date2 = NOW - 1000;
const date3 = NOW;

describe('LoggingInfo queries', () => {
  it('inserts the records of 50 jobs and reads each history back in time order', async () => {
    const records: LoggingRecord[] = [];
    for (let jobId = 0; jobId < 50; jobId++) {
      // Inserted newest first: the history is still read back in time order.
      for (const [status, minor, at] of [
        ['Running', 'running_minor_status', date3],
        ['Submitting', 'submitted_minor_status', date2],
        ['Received', 'received_minor_status', date1],
      ] as const) {
        records.push({
          jobId,
          status,
          minorStatus: minor,
          applicationStatus: 'application_status',
          timeUs: at * 1000,
          source: 'pytest',
        });
      }
    }
    await insertLoggingRecords(t.database.session, records);

    const history = await getLoggingRecords(
      t.database.session,
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(history).toHaveLength(150);
    const first = history.filter((r) => r.jobId === 0);
    expect(first.map((r) => [r.status, r.minorStatus, r.applicationStatus, r.statusTime.getTime(), r.source])).toEqual([
      ['Received', 'received_minor_status', 'application_status', date1, 'pytest'],
      ['Submitting', 'submitted_minor_status', 'application_status', date2, 'pytest'],
      ['Running', 'running_minor_status', 'application_status', date3, 'pytest'],
    ]);
    expect(history.filter((r) => r.jobId === 49).at(-1)).toMatchObject({
      status: 'Running',
      statusTime: new Date(date3),
    });
    // SeqNum follows insertion order.
    expect(first.map((r) => r.seqNum)).toEqual([...first.map((r) => r.seqNum)].sort((a, b) => b - a));
  });

  it('gives the latest record time of each job in one query', async () => {
    const latest = await latestRecordTimes(t.database.session, [1, 2, 12345]);
    expect([...latest.keys()].sort()).toEqual([1, 2]);
    expect(Math.abs(latest.get(1)! - date3 * 1000)).toBeLessThan(1000);
  });

  it('deletes the records of the given jobs only', async () => {
    expect(await deleteLoggingRecords(t.database.session, [0, 1])).toBe(6);
    expect(await getLoggingRecords(t.database.session, [0, 1])).toEqual([]);
    expect(await getLoggingRecords(t.database.session, [2])).toHaveLength(3);
  });
});

describe('StatusTimeOrder', () => {
  it("counts seconds from DIRAC's magic epoch with three decimals and reads back to the millisecond", () => {
    expect(toStatusTimeOrder(NOW * 1000)).toBe('478779200.000');
    expect(toStatusTimeOrder(NOW * 1000 + 1_499)).toBe('478779200.001');
    expect(toStatusTimeOrder(Date.parse('2009-01-01T00:00:00Z') * 1000)).toBe('-39232000.000');
    expect(fromStatusTimeOrder('478779200.001')).toBe((NOW + 1) * 1000);
    expect(fromStatusTimeOrder('-39231999.5')).toBe(Date.parse('2009-01-01T00:00:00.500Z') * 1000);
  });

  it('clamps instants outside NUMERIC(12,3) to its range', () => {
    expect(toStatusTimeOrder(0)).toBe('-999999999.999');
    expect(toStatusTimeOrder(Date.parse('2100-01-01T00:00:00Z') * 1000)).toBe('999999999.999');
  });
});
