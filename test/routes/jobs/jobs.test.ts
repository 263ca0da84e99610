/**
 * The jobs REST API end to end through the handler, as DiracX's own router tests exercise it:
 * submission (single, several, parametric, refused), search with parameters, filters, sort and
 * Content-Range paging, summary, status changes with history, kill commands at heartbeat,
 * reschedule and metadata, and the 400/422 answers to bad input that change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { assignJobsToPilot, registerPilot } from '../../../src/logic/pilots/management.ts';
import { PilotRegistrationParams } from '../../../src/logic/pilots/models.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { call, submitJob } from './harness.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.dispose());

const PARAMETRIC = `[
  JobName = "Test_%n";
  Executable = "dirac-jobexec";
  Arguments = "jobDescription.xml -o LogLevel=INFO -p JOB_ID=%(JOB_ID)s";
  Parameters.JOB_ID = {1, 2, 3};
  InputData = {"/lhcb/data/%s"};
]`;

describe('POST /api/jobs/jdl', () => {
  it('answers 201 with one Received job per JDL, in order', async () => {
    const res = await call(
      app,
      'owner',
      'POST',
      '/api/jobs/jdl',
      Array.from({ length: 10 }, (_, i) => `[Executable = "job${i}";]`),
    );
    expect(res.status).toBe(201);
    const jobs = res.body as { JobID: number; Status: string; MinorStatus: string; TimeStamp: string }[];
    expect(jobs).toHaveLength(10);
    expect(jobs.every((j) => j.Status === 'Received' && j.MinorStatus === 'Job accepted')).toBe(true);
    expect(jobs[0]!.TimeStamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/);
  });

  it('expands a parametric JDL into three Submitting jobs', async () => {
    const res = await call(app, 'owner', 'POST', '/api/jobs/jdl', [PARAMETRIC]);
    expect(res.status).toBe(201);
    expect((res.body as { Status: string }[]).map((j) => j.Status)).toEqual(['Submitting', 'Submitting', 'Submitting']);
  });

  it.each([
    ['a malformed JDL', ['[Executable = "x"\n  Arguments = "y";]'], 'line 2, column 3'],
    [
      '21 jobs',
      Array.from({ length: 21 }, () => '[Executable = "x";]'),
      'Normal user cannot submit more than 20 jobs at once',
    ],
    [
      'a parametric JDL among others',
      ['[Executable = "x";]', PARAMETRIC],
      'You cannot submit parametric jobs in a bulk fashion',
    ],
  ])('answers 400 to %s and creates nothing', async (_name, body, detail) => {
    const before = await call(app, 'owner', 'POST', '/api/jobs/summary', { grouping: [] });
    const res = await call(app, 'owner', 'POST', '/api/jobs/jdl', body);
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toContain(detail);
    expect((await call(app, 'owner', 'POST', '/api/jobs/summary', { grouping: [] })).body).toEqual(before.body);
  });

  it('answers 422 to a body that is not a list of strings', async () => {
    const res = await call(app, 'owner', 'POST', '/api/jobs/jdl', { jdl: 'x' });
    expect(res.status).toBe(422);
    expect((res.body as { detail: { loc: unknown[] }[] }).detail[0]!.loc[0]).toBe('body');
  });
});

describe('POST /api/jobs/search and /summary', () => {
  let ids: number[] = [];
  beforeAll(async () => {
    const res = await call(
      app,
      'sameGroup',
      'POST',
      '/api/jobs/jdl',
      Array.from({ length: 5 }, (_, i) => `[Executable = "s"; JobName = "search-${i}";]`),
    );
    ids = (res.body as { JobID: number }[]).map((j) => j.JobID);
  });

  it('returns the parameters asked for, filtered and sorted', async () => {
    const res = await call(app, 'sameGroup', 'POST', '/api/jobs/search', {
      parameters: ['JobID', 'JobName'],
      search: [{ parameter: 'JobName', operator: 'like', value: 'search-%' }],
      sort: [{ parameter: 'JobID', direction: 'desc' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ids.map((id, i) => ({ JobID: id, JobName: `search-${i}` })).reverse());
  });

  it('pages with 206 and Content-Range, and answers 416 past the end', async () => {
    const filter = { parameters: ['JobID'], search: [{ parameter: 'JobID', operator: 'in', values: ids }] };
    const first = await call(app, 'sameGroup', 'POST', '/api/jobs/search?page=1&per_page=2', filter);
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe('jobs 0-1/5');
    const last = await call(app, 'sameGroup', 'POST', '/api/jobs/search?page=3&per_page=2', filter);
    expect(last.status).toBe(206);
    expect(last.headers.get('content-range')).toBe('jobs 4-4/5');
    const beyond = await call(app, 'sameGroup', 'POST', '/api/jobs/search?page=4&per_page=2', filter);
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('jobs */5');
    expect(beyond.body).toEqual([]);
  });

  it('answers 400 naming an unknown column, and 422 for a malformed filter or page', async () => {
    const unknown = await call(app, 'owner', 'POST', '/api/jobs/search', {
      search: [{ parameter: 'Colour', operator: 'eq', value: 'red' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ detail: 'Unknown column Colour' });
    const malformed = await call(app, 'owner', 'POST', '/api/jobs/search', {
      search: [{ parameter: 'JobID', operator: 'ilike', value: 1 }],
    });
    expect(malformed.status).toBe(422);
    expect((await call(app, 'owner', 'POST', '/api/jobs/search?per_page=10001', {})).status).toBe(422);
  });

  it('summarises by the grouping columns', async () => {
    const res = await call(app, 'sameGroup', 'POST', '/api/jobs/summary', {
      grouping: ['Owner'],
      search: [{ parameter: 'JobName', operator: 'like', value: 'search-%' }],
    });
    expect(res.body).toEqual([{ Owner: 'albdr', count: 5 }]);
  });
});

/** A status update stamp `ms` milliseconds from now (updates may not be stamped far in the future). */
const soon = (ms: number): string => new Date(Date.now() + ms).toISOString();

describe('job life cycle', () => {
  it('follows status changes through the state machine and records the history', async () => {
    const id = await submitJob(app, 'owner');
    const steps: [string, string][] = [
      [soon(1), 'Waiting'],
      [soon(2), 'Matched'],
      [soon(3), 'Done'],
    ];
    const body = { [id]: Object.fromEntries(steps.map(([t, s]) => [t, { Status: s, Source: 'Test' }])) };
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status', body);
    expect(res.status).toBe(200);
    // Matched → Done is not allowed: the job stays Matched and the record says "(SM)".
    expect((res.body as { success: Record<string, { Status: string }> }).success[id]!.Status).toBe('Matched');
    const history = await call(app, 'owner', 'POST', '/api/jobs/search', {
      parameters: ['LoggingInfo'],
      search: [{ parameter: 'JobID', operator: 'eq', value: id }],
    });
    const records = (history.body as { LoggingInfo: { Status: string; Source: string }[] }[])[0]!.LoggingInfo;
    expect(records.map((r) => r.Status)).toEqual(['Received', 'Waiting', 'Matched', 'Matched']);
    expect(records.at(-1)!.Source).toBe('Test(SM)');
  });

  it('delivers a kill to the pilot exactly once, at the next heartbeat', async () => {
    const id = await submitJob(app, 'owner');
    // Forcing is for job administrators.
    expect(
      (await call(app, 'admin', 'PATCH', '/api/jobs/status?force=true', { [id]: { [soon(0)]: { Status: 'Running' } } }))
        .status,
    ).toBe(200);
    expect(
      (await call(app, 'owner', 'PATCH', '/api/jobs/status', { [id]: { [soon(5)]: { Status: 'Killed' } } })).status,
    ).toBe(200);
    const first = await call(app, 'pilot', 'PATCH', '/api/jobs/heartbeat', { [id]: { LoadAverage: 2 } });
    expect(first.body).toEqual([{ job_id: id, command: 'Kill', arguments: '' }]);
    expect((await call(app, 'pilot', 'PATCH', '/api/jobs/heartbeat', { [id]: { LoadAverage: 2 } })).body).toEqual([]);
  });

  it('answers 400 to a timestamp without time zone and changes nothing', async () => {
    const id = await submitJob(app, 'owner');
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status', {
      [id]: { '2030-01-01T00:00:00': { Status: 'Killed' } },
    });
    expect(res.status).toBe(400);
    const after = await call(app, 'owner', 'POST', '/api/jobs/search', {
      parameters: ['Status'],
      search: [{ parameter: 'JobID', operator: 'eq', value: id }],
    });
    expect(after.body).toEqual([{ Status: 'Received' }]);
  });

  it('reschedules, counting up to the VO maximum, then answers 400', async () => {
    const id = await submitJob(app, 'owner');
    for (let i = 1; i <= 3; i++) {
      const res = await call(app, 'owner', 'POST', '/api/jobs/reschedule', { job_ids: [id] });
      expect(res.status).toBe(200);
      expect(
        (res.body as { success: Record<string, { RescheduleCounter: number }> }).success[id]!.RescheduleCounter,
      ).toBe(i);
    }
    const refused = await call(app, 'owner', 'POST', '/api/jobs/reschedule', { job_ids: [id] });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      detail: { success: {}, failed: { [id]: { detail: 'Maximum number of reschedules exceeded (3)' } } },
    });
  });

  it('sets Site with PATCH /metadata (204), refuses other attributes (400) and unknown types (422)', async () => {
    const id = await submitJob(app, 'owner');
    expect(
      (await call(app, 'owner', 'PATCH', '/api/jobs/metadata', { [id]: { Site: 'LCG.CERN.cern', HostName: 'wn1' } }))
        .status,
    ).toBe(204);
    const read = async () =>
      (
        await call(app, 'owner', 'POST', '/api/jobs/search', {
          parameters: ['UserPriority', 'JobGroup', 'Site'],
          search: [{ parameter: 'JobID', operator: 'eq', value: id }],
        })
      ).body;
    expect(await read()).toEqual([{ JobGroup: '00000000', Site: 'LCG.CERN.cern', UserPriority: 1 }]);
    const refused = await call(app, 'owner', 'PATCH', '/api/jobs/metadata', {
      [id]: { UserPriority: 2, JobGroup: 'grp' },
    });
    expect(refused).toMatchObject({
      status: 400,
      body: { detail: 'Job attribute JobGroup cannot be modified through this endpoint' },
    });
    expect(await read()).toEqual([{ JobGroup: '00000000', Site: 'LCG.CERN.cern', UserPriority: 1 }]);
    expect((await call(app, 'owner', 'PATCH', '/api/jobs/metadata', { [id]: { UserPriority: 'high' } })).status).toBe(
      422,
    );
  });
});

// Found by schemathesis: each of these reached PostgreSQL and failed there (500).
describe('values the database cannot hold', () => {
  const NUL = 'a\u0000b';

  it('answers 422 to job ids outside the 32-bit JobID column, in lists and in keys', async () => {
    const id = 1_000_000_000_000;
    expect((await call(app, 'owner', 'POST', '/api/jobs/reschedule', { job_ids: [id] })).status).toBe(422);
    expect(
      (await call(app, 'owner', 'PATCH', '/api/jobs/status', { [id]: { [soon(0)]: { Status: 'Killed' } } })).status,
    ).toBe(422);
    expect((await call(app, 'owner', 'PATCH', '/api/jobs/metadata', { [-id]: { JobGroup: 'grp' } })).status).toBe(422);
    expect((await call(app, 'pilot', 'PATCH', '/api/jobs/heartbeat', { [id]: { LoadAverage: 1 } })).status).toBe(422);
  });

  it('answers 422 to NUL characters in status, heartbeat and metadata text, and changes nothing', async () => {
    const id = await submitJob(app, 'owner');
    expect(
      (
        await call(app, 'owner', 'PATCH', '/api/jobs/status', {
          [id]: { [soon(0)]: { Status: 'Killed', MinorStatus: NUL } },
        })
      ).status,
    ).toBe(422);
    expect((await call(app, 'pilot', 'PATCH', '/api/jobs/heartbeat', { [id]: { StandardOutput: NUL } })).status).toBe(
      422,
    );
    for (const metadata of [{ JobGroup: NUL }, { HostName: NUL }, { MyParameter: { nested: [NUL] } }, { [NUL]: 1 }]) {
      expect({
        metadata,
        status: (await call(app, 'owner', 'PATCH', '/api/jobs/metadata', { [id]: metadata })).status,
      }).toEqual({ metadata, status: 422 });
    }
    const after = await call(app, 'owner', 'POST', '/api/jobs/search', {
      parameters: ['Status', 'JobGroup'],
      search: [{ parameter: 'JobID', operator: 'eq', value: id }],
    });
    expect(after.body).toEqual([{ JobGroup: expect.any(String), Status: 'Received' }]);
  });

  it("answers 422 to integers outside their column and to unix times outside Python's datetime range", async () => {
    const id = await submitJob(app, 'owner');
    expect(
      (await call(app, 'owner', 'PATCH', '/api/jobs/metadata', { [id]: { UserPriority: 99_999_999_999_999 } })).status,
    ).toBe(422);
    expect(
      (await call(app, 'owner', 'PATCH', '/api/jobs/metadata', { [id]: { RescheduleCounter: -99_999_999_999 } }))
        .status,
    ).toBe(422);
    expect(
      (await call(app, 'owner', 'PATCH', '/api/jobs/metadata', { [id]: { SubmissionTime: '99999999999999999' } }))
        .status,
    ).toBe(422);
    expect(
      (await call(app, 'owner', 'PATCH', '/api/jobs/status', { [id]: { '99999999999999999': { MinorStatus: 'x' } } }))
        .status,
    ).toBe(422);
  });
});

describe('the PilotStamp pseudo-parameter of job search', () => {
  it('finds the jobs a pilot ran, and nothing for a pilot that ran none', async () => {
    const ran = await submitJob(app, 'owner');
    await submitJob(app, 'owner');
    const ctx = { database: app.database, config: app.config.current().config, now: () => new Date() };
    await registerPilot(ctx, PilotRegistrationParams.parse({ pilot_stamp: 'stamp-ran', vo: 'lhcb' }));
    await registerPilot(ctx, PilotRegistrationParams.parse({ pilot_stamp: 'stamp-idle', vo: 'lhcb' }));
    await assignJobsToPilot(ctx, 'stamp-ran', [ran]);
    const found = await call(app, 'owner', 'POST', '/api/jobs/search', {
      parameters: ['JobID'],
      search: [{ parameter: 'PilotStamp', operator: 'eq', value: 'stamp-ran' }],
    });
    expect(found.body).toEqual([{ JobID: ran }]);
    const none = await call(app, 'owner', 'POST', '/api/jobs/search', {
      search: [{ parameter: 'PilotStamp', operator: 'in', values: ['stamp-idle'] }],
    });
    expect(none).toMatchObject({ status: 200, body: [] });
  });

  it('answers 400 to other operators and to a JobID filter next to it, as DiracX', async () => {
    const like = await call(app, 'owner', 'POST', '/api/jobs/search', {
      search: [{ parameter: 'PilotStamp', operator: 'like', value: 'stamp%' }],
    });
    expect(like).toMatchObject({
      status: 400,
      body: { detail: "Operator 'like' is not supported on the 'PilotStamp' pseudo-parameter; use 'eq' or 'in'." },
    });
    const both = await call(app, 'owner', 'POST', '/api/jobs/search', {
      search: [
        { parameter: 'PilotStamp', operator: 'eq', value: 'stamp-ran' },
        { parameter: 'JobID', operator: 'eq', value: 1 },
      ],
    });
    expect(both.status).toBe(400);
  });
});
