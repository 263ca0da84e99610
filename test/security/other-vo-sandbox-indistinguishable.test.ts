/**
 * Attack: people of one VO (gridpp: a user, a JobAdministrator, a pilot) probe whether a
 * sandbox of another VO (chaen's, lhcb, assigned to chaen's job) exists, through every sandbox
 * route and MCP tool. Each answer must be exactly the answer for a sandbox (or job) that does
 * not exist: same status, same body (with what the caller sent masked), same headers but the
 * request id; and nothing of the other VO's sandbox or job changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { pfnToKey, shortPfn } from '../../src/logic/sandboxes/pfn.ts';
import { createSandboxWorld, missingPfn, type Person, type SandboxWorld } from './sandbox-world.ts';
import { readSandboxMappings, readSandboxRow } from '../harness/sandbox-rows.ts';

let world: SandboxWorld;
/** chaen's sandbox (lhcb) and chaen's job using it. */
let theirs: string;
let theirJob: number;
/** A job of alice (gridpp), which gridpp's administrator and pilot may manage too. */
let aliceJob: number;
const CALLERS: readonly Person[] = ['alice', 'gridppadmin', 'gridpppilot'];

beforeAll(async () => {
  world = await createSandboxWorld();
  theirs = await world.upload('chaen');
  theirJob = await world.submit('chaen', [theirs]);
  aliceJob = await world.submit('alice');
});
afterAll(() => world.dispose());

/** The other VO's sandbox and job as stored, to check that no probe changed them. */
async function theirState(): Promise<unknown> {
  const row = await readSandboxRow(world.app.database, shortPfn(theirs));
  const mappings = await readSandboxMappings(world.app.database, row!.sbId);
  return { row, mappings };
}

/** Both PFN forms the caller sent, longest first, for masking echoes. */
const echoes = (pfn: string): string[] => [pfn, shortPfn(pfn)];

describe('a sandbox of another VO is answered like one that does not exist', () => {
  for (const who of CALLERS) {
    it(`GET /api/jobs/sandbox?pfn=, as ${who}`, async () => {
      const before = await theirState();
      const get = (pfn: string) =>
        world.rest(who, 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`, undefined, echoes(pfn));
      const missing = await get(missingPfn());
      expect(missing.status).toBeGreaterThanOrEqual(400);
      expect(await get(theirs)).toEqual(missing);
      expect(await theirState()).toEqual(before);
    });

    it(`PATCH /api/jobs/{job_id}/sandbox/output (assigning it to a job of the caller's VO), as ${who}`, async () => {
      const before = await theirState();
      const assign = (pfn: string) =>
        world.rest(who, 'PATCH', `/api/jobs/${aliceJob}/sandbox/output`, pfn, echoes(pfn));
      const missing = await assign(missingPfn());
      expect(missing.status).toBeGreaterThanOrEqual(400);
      expect(await assign(theirs)).toEqual(missing);
      expect(await theirState()).toEqual(before);
      expect((await world.rest('alice', 'GET', `/api/jobs/${aliceJob}/sandbox/output`, undefined)).body).toBe('[]');
    });

    it(`the routes of the job it is assigned to, as ${who}`, async () => {
      const before = await theirState();
      const missingJob = theirJob + 1_000_000;
      const routes: [string, (job: number) => string, (job: number) => unknown][] = [
        ['GET', (job) => `/api/jobs/${job}/sandbox`, () => undefined],
        ['GET', (job) => `/api/jobs/${job}/sandbox/input`, () => undefined],
        ['DELETE', (job) => `/api/jobs/${job}/sandbox`, () => undefined],
        ['POST', () => '/api/jobs/sandbox/unassign', (job) => ({ job_ids: [job] })],
      ];
      for (const [method, path, body] of routes) {
        const route = `${method} ${path(0)}`;
        const missing = await world.rest(who, method, path(missingJob), body(missingJob));
        expect({ route, status: missing.status >= 400 }).toEqual({ route, status: true });
        expect({ route, ...(await world.rest(who, method, path(theirJob), body(theirJob))) }).toEqual({
          route,
          ...missing,
        });
      }
      expect(await theirState()).toEqual(before);
    });

    it(`the MCP tool get_job_sandboxes, as ${who}`, async () => {
      const missingJob = theirJob + 1_000_000;
      const missing = await world.tool(who, 'get_job_sandboxes', { job_id: missingJob });
      expect(missing).toContain('"isError":true');
      expect(await world.tool(who, 'get_job_sandboxes', { job_id: theirJob })).toEqual(missing);
    });
  }

  for (const who of ['alice', 'gridpppilot'] as const) {
    it(`a submission naming it as input sandbox, REST and MCP, as ${who}`, async () => {
      const before = await theirState();
      const jdl = (pfn: string) => `[Executable = "echo"; InputSandbox = {"${pfn}"};]`;
      const submit = (pfn: string) => world.rest(who, 'POST', '/api/jobs/jdl', [jdl(pfn)], echoes(pfn));
      const missing = await submit(missingPfn());
      expect(missing.status).toBeGreaterThanOrEqual(400);
      expect(await submit(theirs)).toEqual(missing);
      for (const [name, args] of [
        ['submit_job', (pfn: string) => ({ executable: 'echo', input_sandbox: [pfn] })],
        ['validate_jdl', (pfn: string) => ({ jdl_content: jdl(pfn) })],
      ] as const) {
        const fresh = missingPfn();
        expect({ name, answer: await world.tool(who, name, args(theirs), echoes(theirs)) }).toEqual({
          name,
          answer: await world.tool(who, name, args(fresh), echoes(fresh)),
        });
      }
      expect(await theirState()).toEqual(before);
    });
  }

  it('registering an upload with its checksum, as alice', async () => {
    const before = await theirState();
    const checksum = /sha256:([0-9a-f]{64})/.exec(theirs)![1]!;
    const register = async (sum: string) => {
      const answer = await world.rest(
        'alice',
        'POST',
        '/api/jobs/sandbox',
        { checksum_algorithm: 'sha256', checksum: sum, size: 256, format: 'tar.zst' },
        [sum],
      );
      const body = JSON.parse(answer.body) as { pfn: string; url: string | null; fields: Record<string, string> };
      // The upload URL is signed for the caller's own key: only its shape can be compared.
      return {
        status: answer.status,
        pfn: body.pfn,
        url: body.url === null ? null : new URL(body.url).pathname,
        fields: Object.keys(body.fields).sort(),
      };
    };
    const fresh = await register(/sha256:([0-9a-f]{64})/.exec(missingPfn())![1]!);
    expect(fresh.status).toBe(200);
    expect(fresh.url).not.toBeNull();
    expect(await register(checksum)).toEqual(fresh);
    expect(await theirState()).toEqual(before);
  });

  it('registering an upload with its checksum, as gridpppilot: the 403 any registration by a pilot gets', async () => {
    const before = await theirState();
    const checksum = /sha256:([0-9a-f]{64})/.exec(theirs)![1]!;
    const register = (sum: string) =>
      world.rest(
        'gridpppilot',
        'POST',
        '/api/jobs/sandbox',
        { checksum_algorithm: 'sha256', checksum: sum, size: 256, format: 'tar.zst' },
        [sum],
      );
    const fresh = await register(/sha256:([0-9a-f]{64})/.exec(missingPfn())![1]!);
    expect(fresh.status).toBe(403);
    expect(await register(checksum)).toEqual(fresh);
    expect(await theirState()).toEqual(before);
  });

  it('the local store download route, without a valid signature', async () => {
    for (const who of CALLERS) {
      const download = (pfn: string) => {
        const key = pfnToKey(shortPfn(pfn));
        return world.rest(
          who,
          'GET',
          `/api/jobs/sandbox/local-store/download?key=${encodeURIComponent(key)}` +
            `&expires=${Math.floor(Date.now() / 1000) + 60}&signature=${'A'.repeat(43)}`,
          undefined,
          [encodeURIComponent(key), key],
        );
      };
      const missing = await download(missingPfn());
      expect(missing.status).toBe(403);
      expect(await download(theirs)).toEqual(missing);
    }
  });
});
