/**
 * Attack: with the gubbins extension in force, whose override of the `wms` policy keeps a
 * JobAdministrator without GubbinsSensei out of other people's jobs, that administrator reads a
 * job's sandboxes by PFN (`GET /api/jobs/sandbox?pfn=`, the MCP `get_job_sandboxes` download
 * URLs) instead of through the job. Reading a sandbox assigned to jobs must go through the
 * `wms` policy in force: refused like the job itself, allowed with GubbinsSensei; and an
 * override that refuses users their own jobs is obeyed by the read-through-my-job path too.
 */
import gubbins from '@diracx-ts/gubbins';
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { EXTENSION_CONTRACT_VERSION, type Extension } from '../../src/extensions/contract.ts';
import { ForbiddenError } from '../../src/core/errors.ts';
import type { AccessPolicy } from '../../src/policies/base.ts';
import { wmsPolicy, type WmsAccessArgs } from '../../src/policies/wms.ts';
import { createSandboxWorld, MCP_URL, type SandboxWorld } from './sandbox-world.ts';

const download = (pfn: string): string => `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`;

describe('with gubbins, a JobAdministrator without GubbinsSensei', () => {
  let world: SandboxWorld;
  let input: string;
  let output: string;
  let unassigned: string;
  let job: number;
  beforeAll(async () => {
    world = await createSandboxWorld([gubbins]);
    input = await world.upload('chaen');
    unassigned = await world.upload('chaen');
    job = await world.submit('chaen', [input]);
    // The output sandbox: uploaded by the job's owner, assigned by the VO's pilot (DiracX's
    // job-wrapper flow; a pilot may not register uploads).
    output = await world.upload('chaen');
    const pilot = await world.app.tokens.tokenFor('lhcb', 'lhcb_pilot', 'lhcbpilot');
    const assigned = await world.app.fetch(`/api/jobs/${job}/sandbox/output`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${pilot}`, 'content-type': 'application/json' },
      body: JSON.stringify(output),
    });
    expect(assigned.status).toBe(200);
  });
  afterAll(() => world.dispose());

  const as = async (properties: string[] | undefined, path: string) => {
    const token = await world.app.tokens.tokenFor('lhcb', 'lhcb_admin', 'lhcbadmin', properties ? { properties } : {});
    const res = await world.app.fetch(path, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('is refused the job, and its sandboxes by PFN alike', async () => {
    expect(await as(undefined, `/api/jobs/${job}/sandbox`)).toEqual({ status: 403, body: { detail: 'Forbidden' } });
    for (const pfn of [input, output])
      expect({ pfn, ...(await as(undefined, download(pfn))) }).toEqual({
        pfn,
        status: 403,
        body: { detail: 'Forbidden' },
      });
  });

  it('gets no download URL from the MCP tool either', async () => {
    const token = await world.app.tokens.tokenFor('lhcb', 'lhcb_admin', 'lhcbadmin', { audience: MCP_URL });
    const res = await world.app.fetch('/mcp', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'get_job_sandboxes', arguments: { job_id: job } },
      }),
    });
    const text = await res.text();
    expect(text).toContain('"isError":true');
    expect(text).not.toContain('local-store/download');
  });

  it('reads them all with GubbinsSensei, as the owner does', async () => {
    const sensei = ['JobAdministrator', 'GubbinsSensei'];
    expect((await as(sensei, `/api/jobs/${job}/sandbox`)).status).toBe(200);
    for (const pfn of [input, output])
      expect({ pfn, status: (await as(sensei, download(pfn))).status }).toEqual({ pfn, status: 200 });
    const owner = await world.app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen');
    for (const pfn of [input, output]) {
      const res = await world.app.fetch(download(pfn), { headers: { authorization: `Bearer ${owner}` } });
      expect({ pfn, status: res.status }).toEqual({ pfn, status: 200 });
    }
  });

  it('still reads a sandbox no job uses, which only the sandbox policy guards', async () => {
    expect((await as(undefined, download(unassigned))).status).toBe(200);
  });
});

describe('an override of wms that refuses users their own jobs', () => {
  /** Allows nothing on existing jobs to anyone but a JobAdministrator; records what it was asked. */
  const asked: { user: string; args: WmsAccessArgs }[] = [];
  const lockedOut: AccessPolicy<WmsAccessArgs> = {
    id: wmsPolicy.id,
    async check(ctx, args) {
      asked.push({ user: ctx.user.preferredUsername, args });
      await wmsPolicy.check(ctx, args);
      if (args.jobIds && !ctx.user.properties.includes('JobAdministrator')) throw new ForbiddenError('Forbidden');
    },
  };
  const extension: Extension = {
    name: 'locked-out',
    description: 'Test only: wms refusing users their own jobs.',
    contractVersion: EXTENSION_CONTRACT_VERSION,
    policyOverrides: [lockedOut as AccessPolicy<never>],
  };
  let world: SandboxWorld;
  let output: string;
  let job: number;
  beforeAll(async () => {
    world = await createSandboxWorld([extension]);
    job = await world.submit('chaen');
    // Assigned by the administrator (allowed by the override): a sandbox of albdr's on chaen's job.
    const albdr = await world.app.tokens.tokenFor('lhcb', 'lhcb_user', 'albdr');
    const info = { checksum_algorithm: 'sha256', checksum: 'cd'.repeat(32), size: 256, format: 'tar.zst' };
    const registered = await world.app.fetch('/api/jobs/sandbox', {
      method: 'POST',
      headers: { authorization: `Bearer ${albdr}`, 'content-type': 'application/json' },
      body: JSON.stringify(info),
    });
    output = ((await registered.json()) as { pfn: string }).pfn;
    expect((await world.rest('lhcbadmin', 'PATCH', `/api/jobs/${job}/sandbox/output`, output)).status).toBe(200);
  });
  afterAll(() => world.dispose());

  it('is asked when a user reads a sandbox through their job, and its refusal stands', async () => {
    asked.length = 0;
    const answer = await world.rest('chaen', 'GET', download(output), undefined);
    expect([answer.status, answer.body]).toEqual([403, '{"detail":"Forbidden"}']);
    expect(asked).toEqual([{ user: 'chaen', args: { action: 'read', jobIds: [job] } }]);
  });
});
