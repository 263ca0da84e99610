/**
 * Attack: the owner of a job (or a pilot, or an administrator) hands it to another user, group
 * or VO, or rewrites its status, priority or type, through `PATCH /api/jobs/metadata`. As in
 * DiracX 0.7.0 only the job attribute `Site` may be set there; any other attribute is refused
 * with 400 and nothing at all is written, for every job of the request; keys that are not job
 * attributes are job parameters and stay settable. Read back through the search route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { getJobParameters } from '../../src/db/job-parameters.ts';
import { updateJobAttributes, type JobAttributeUpdate } from '../../src/db/job-status.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { call, submitJob, type Person } from '../routes/jobs/harness.ts';
import { readJobParametersVo } from '../harness/job-rows.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.dispose());

const AT = '2025-06-01T12:00:00Z';
/** Every job attribute but Site, with a value that would move, re-prioritise or rewrite the job. */
const IMMUTABLE: Record<string, unknown> = {
  Owner: 'alice',
  OwnerGroup: 'gridpp_user',
  VO: 'gridpp',
  JobType: 'Hijacked',
  UserPriority: 9,
  Status: 'Done',
  MinorStatus: 'Pinned',
  ApplicationStatus: 'Pinned',
  JobGroup: 'other-group',
  JobName: 'renamed',
  SubmissionTime: AT,
  RescheduleTime: AT,
  LastUpdateTime: AT,
  StartExecTime: AT,
  HeartBeatTime: AT,
  EndExecTime: AT,
  RescheduleCounter: 0,
  VerifiedFlag: false,
  AccountedFlag: true,
};
/** DiracX's attribute field names (`populate_by_name`) name the same attributes: [field name, attribute, value]. */
const FIELD_NAMES: [string, string, unknown][] = [
  ['owner', 'Owner', 'alice'],
  ['owner_group', 'OwnerGroup', 'gridpp_user'],
  ['vo', 'VO', 'gridpp'],
  ['user_priority', 'UserPriority', 9],
  ['status', 'Status', 'Done'],
];
const ATTEMPTS: [string, string, unknown][] = [
  ...Object.entries(IMMUTABLE).map(([key, value]): [string, string, unknown] => [key, key, value]),
  ...FIELD_NAMES,
];

const CALLERS: Person[] = ['owner', 'admin', 'pilot'];

/** The whole job row as the VO administrator's search sees it (every column, history included). */
async function jobRow(id: number): Promise<unknown> {
  const res = await call(app, 'admin', 'POST', '/api/jobs/search', {
    parameters: [],
    search: [{ parameter: 'JobID', operator: 'eq', value: id }],
  });
  expect(res.status).toBe(200);
  const rows = res.body as Record<string, unknown>[];
  expect(rows).toHaveLength(1);
  const history = await call(app, 'admin', 'POST', '/api/jobs/search', {
    parameters: ['LoggingInfo'],
    search: [{ parameter: 'JobID', operator: 'eq', value: id }],
  });
  return { ...rows[0], history: history.body };
}

describe('PATCH /api/jobs/metadata and immutable job attributes', () => {
  for (const who of CALLERS) {
    it(`answers 400 to the ${who} for every attribute but Site, naming it, and changes nothing`, async () => {
      const id = await submitJob(app, 'owner');
      const before = await jobRow(id);
      for (const [key, attribute, value] of ATTEMPTS) {
        const res = await call(app, who, 'PATCH', '/api/jobs/metadata', { [id]: { [key]: value } });
        expect({ key, status: res.status, body: res.body }).toEqual({
          key,
          status: 400,
          body: { detail: `Job attribute ${attribute} cannot be modified through this endpoint` },
        });
      }
      expect(await jobRow(id)).toEqual(before);
      expect(await getJobParameters(app.database.session, [id])).toEqual(new Map());
    });
  }

  it('never moves a job to another VO: the other VO cannot see it, its owner and VO stay', async () => {
    const id = await submitJob(app, 'owner');
    const handOver = { Owner: 'alice', OwnerGroup: 'gridpp_user', VO: 'gridpp' };
    for (const who of CALLERS)
      expect((await call(app, who, 'PATCH', '/api/jobs/metadata', { [id]: handOver })).status).toBe(400);
    const seen = await call(app, 'otherVo', 'POST', '/api/jobs/search', {
      parameters: ['JobID'],
      search: [{ parameter: 'JobID', operator: 'eq', value: id }],
    });
    expect(seen.body).toEqual([]);
    const mine = await call(app, 'owner', 'POST', '/api/jobs/search', {
      parameters: ['Owner', 'OwnerGroup', 'VO'],
      search: [{ parameter: 'JobID', operator: 'eq', value: id }],
    });
    expect(mine.body).toEqual([{ Owner: 'chaen', OwnerGroup: 'lhcb_user', VO: 'lhcb' }]);
  });

  it('refuses a request with one forbidden key among allowed ones, for every job in it', async () => {
    const [a, b] = [await submitJob(app, 'owner'), await submitJob(app, 'owner')];
    const before = [await jobRow(a), await jobRow(b)];
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/metadata', {
      [a]: { Site: 'LCG.CERN.cern', HostName: 'wn1' },
      [b]: { Site: 'LCG.CERN.cern', UserPriority: 9 },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Job attribute UserPriority cannot be modified through this endpoint' });
    expect([await jobRow(a), await jobRow(b)]).toEqual(before);
    expect(await getJobParameters(app.database.session, [a, b])).toEqual(new Map());
  });

  for (const who of CALLERS) {
    it(`lets the ${who} set Site (also as \`site\`) and job parameters`, async () => {
      const id = await submitJob(app, 'owner');
      expect(
        (
          await call(app, who, 'PATCH', '/api/jobs/metadata', {
            [id]: { Site: `LCG.${who}.ch`, HostName: 'wn1.cern.ch', CPUNormalizationFactor: 10, Custom: { a: 1 } },
          })
        ).status,
      ).toBe(204);
      const read = async () =>
        (
          await call(app, 'owner', 'POST', '/api/jobs/search', {
            parameters: ['Site', 'Owner', 'VO', 'Status'],
            search: [{ parameter: 'JobID', operator: 'eq', value: id }],
          })
        ).body;
      expect(await read()).toEqual([{ Site: `LCG.${who}.ch`, Owner: 'chaen', VO: 'lhcb', Status: 'Received' }]);
      expect((await call(app, who, 'PATCH', '/api/jobs/metadata', { [id]: { site: 'LCG.Other.ch' } })).status).toBe(
        204,
      );
      expect(await read()).toEqual([{ Site: 'LCG.Other.ch', Owner: 'chaen', VO: 'lhcb', Status: 'Received' }]);
      expect((await getJobParameters(app.database.session, [id])).get(id)).toEqual({
        HostName: 'wn1.cern.ch',
        CPUNormalizationFactor: 10,
        Custom: { a: 1 },
      });
      // The parameters document stays in the job's VO.
      expect(await readJobParametersVo(app.database, id)).toBe('lhcb');
    });
  }

  it("leaves no way in the database layer to write a job's owner, group or VO", async () => {
    const id = await submitJob(app, 'owner');
    const before = await jobRow(id);
    for (const identity of [{ Owner: 'alice' }, { OwnerGroup: 'gridpp_user' }, { VO: 'gridpp' }]) {
      const attempt = updateJobAttributes(
        app.database.session,
        new Map([[id, { Site: 'x', ...identity } as JobAttributeUpdate]]),
      );
      await expect(attempt).rejects.toThrow(`updateJobAttributes: ${Object.keys(identity)[0]} cannot be updated`);
    }
    expect(await jobRow(id)).toEqual(before);
  });

  it('still refuses callers the policy refuses with 403 before looking at the keys', async () => {
    const id = await submitJob(app, 'owner');
    for (const who of ['sameGroup', 'otherVo', 'otherVoAdmin'] as const) {
      expect((await call(app, who, 'PATCH', '/api/jobs/metadata', { [id]: { Site: 'x' } })).status).toBe(403);
      expect((await call(app, who, 'PATCH', '/api/jobs/metadata', { [id]: { VO: 'gridpp' } })).status).toBe(403);
    }
  });
});
