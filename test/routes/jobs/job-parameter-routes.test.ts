/**
 * The routes that write job parameters beside DiracX (docs/co-deployment.md): DiracX keeps job
 * parameters in OpenSearch, which we do not write, so with `serveJobParameters` false (the default
 * on DiracX's databases or with DIRACX_OS_DB_JOBPARAMETERSDB in our environment) PATCH
 * /api/jobs/heartbeat and /api/jobs/metadata are not ours: 404 and nothing written, absent from the
 * OpenAPI document,
 * while the other job routes (kill included, which writes no job parameter) still work. As
 * settings: the default follows DiracX's JobDB URL and OpenSearch variable, and asking for these
 * routes with either set is refused with one line that never echoes a secret value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { handlerOptions } from '../../../src/handler-settings.ts';
import { DB_URL_SETTINGS } from '../../../src/mysql-settings.ts';
import { parseSettings, SettingsError } from '../../../src/settings.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { call, submitJob } from './harness.ts';

const OPENSEARCH = JSON.stringify({ hosts: 'https://admin:0s-s3cret@opensearch:9200', use_ssl: true });

describe('job routes without the job-parameter routes (beside DiracX)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ options: { serveJobParameters: false } });
  });
  afterAll(() => app.dispose());

  const statusOf = async (id: number): Promise<Record<string, unknown>> => {
    const res = await call(app, 'owner', 'POST', '/api/jobs/search', {
      parameters: ['Status', 'HeartBeatTime', 'JobGroup'],
      search: [{ parameter: 'JobID', operator: 'eq', value: id }],
    });
    return (res.body as Record<string, unknown>[])[0] ?? {};
  };

  it('answers 404 to heartbeat and metadata and writes nothing', async () => {
    const id = await submitJob(app, 'owner');
    const before = await statusOf(id);
    const heartbeat = await call(app, 'pilot', 'PATCH', '/api/jobs/heartbeat', { [id]: { LoadAverage: 2 } });
    expect(heartbeat.status).toBe(404);
    const metadata = await call(app, 'owner', 'PATCH', '/api/jobs/metadata', { [id]: { JobGroup: 'grp' } });
    expect(metadata.status).toBe(404);
    expect(await statusOf(id)).toEqual(before);
  });

  it('still kills a job (a status change writes no job parameter)', async () => {
    const id = await submitJob(app, 'owner');
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status', {
      [id]: { [new Date().toISOString()]: { Status: 'Killed' } },
    });
    expect(res.status).toBe(200);
    expect((await statusOf(id)).Status).toBe('Killed');
  });

  it('leaves the two paths out of the OpenAPI document, and keeps the others', async () => {
    const doc = (await (await app.fetch('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/api/jobs/heartbeat');
    expect(Object.keys(doc.paths)).not.toContain('/api/jobs/metadata');
    expect(Object.keys(doc.paths)).toContain('/api/jobs/status');
  });
});

describe('DIRACX_SERVE_JOB_PARAMETERS', () => {
  it('is on by default and off when DiracX keeps job parameters in OpenSearch', () => {
    expect(handlerOptions(parseSettings({})).serveJobParameters).toBe(true);
    expect(handlerOptions(parseSettings({ DIRACX_OS_DB_JOBPARAMETERSDB: OPENSEARCH })).serveJobParameters).toBe(false);
    const off = parseSettings({ DIRACX_OS_DB_JOBPARAMETERSDB: OPENSEARCH, DIRACX_SERVE_JOB_PARAMETERS: 'false' });
    expect(handlerOptions(off).serveJobParameters).toBe(false);
    expect(handlerOptions(parseSettings({ DIRACX_SERVE_JOB_PARAMETERS: 'false' })).serveJobParameters).toBe(false);
  });

  it("is off on DiracX's databases (DIRACX_DB_URL_*), and true there is refused without echoing a password", () => {
    const env: Record<string, string> = { DIRACX_OWN_DB_URL: 'mysql://dx:s3cret@db:3306/DiracxTs' };
    for (const [db, name] of Object.entries(DB_URL_SETTINGS)) env[name] = `mysql+aiomysql://dx:s3cret@db:3306/${db}`;
    expect(handlerOptions(parseSettings(env)).serveJobParameters).toBe(false);
    let err: unknown;
    try {
      parseSettings({ ...env, DIRACX_SERVE_JOB_PARAMETERS: 'true' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    expect((err as SettingsError).lines).toEqual([
      'DIRACX_SERVE_JOB_PARAMETERS="true" is invalid: cannot be true while DIRACX_DB_URL_JOBDB is set: DiracX ' +
        'keeps job parameters in OpenSearch, which this server does not write, so PATCH /api/jobs/heartbeat and ' +
        '/api/jobs/metadata must be served by DiracX (unset it or set false; see docs/co-deployment.md)',
    ]);
    expect((err as SettingsError).message).not.toContain('s3cret');
  });

  it('refuses true beside DiracX on one line, without echoing the OpenSearch connection', () => {
    let err: unknown;
    try {
      parseSettings({ DIRACX_OS_DB_JOBPARAMETERSDB: OPENSEARCH, DIRACX_SERVE_JOB_PARAMETERS: 'true' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const { lines, message } = err as SettingsError;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith(
      'DIRACX_SERVE_JOB_PARAMETERS="true" is invalid: cannot be true while DIRACX_OS_DB_JOBPARAMETERSDB is set',
    );
    expect(message).toContain('OpenSearch');
    expect(message).not.toContain('0s-s3cret');
  });
});
