/**
 * Attack: a pilot credential of one VO (gridpp) probes the stamps of another VO's pilots (lhcb)
 * through the pilot write routes and the pilot searches. A stamp of another VO must be answered
 * exactly like a stamp that does not exist (metadata update: the same 404) or like a stamp of
 * the caller's own VO that is taken (registration: stamps are one namespace, so a taken stamp is
 * a 409 whoever holds it, and the answer names no VO); nothing of the other VO's pilot changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { answerOf, type Answer } from './same-answer.ts';
import { type PilotRow, readPilotRows } from '../harness/pilot-rows.ts';

let app: TestApp;
const MCP_URL = 'http://test/mcp';
/** Stamps of the same length, so that echoing one in a body changes nothing else. */
const LHCB_STAMP = 'lhcb-pilot-0001';
const GRIDPP_STAMP = 'grpp-pilot-0001';
const UNKNOWN_STAMP = 'none-pilot-0001';

type Who = readonly [vo: string, group: string, user: string];
const GRIDPP_PILOT: Who = ['gridpp', 'gridpp_pilot', 'gridpppilot'];
const LHCB_PILOT: Who = ['lhcb', 'lhcb_pilot', 'lhcbpilot'];
const GRIDPP_USER: Who = ['gridpp', 'gridpp_user', 'alice'];

async function call(who: Who, method: string, path: string, body: unknown, echoed: readonly string[]): Promise<Answer> {
  const token = await app.tokens.tokenFor(...who);
  const res = await app.fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answerOf(res, echoed);
}

async function pilotRow(stamp: string): Promise<PilotRow | undefined> {
  return (await readPilotRows(app.database, stamp))[0];
}

beforeAll(async () => {
  app = await createTestApp({
    issuer: 'http://test',
    mcp: {
      resourceUrl: MCP_URL,
      allowedHosts: ['test'],
      allowedOrigins: [],
      confirmThreshold: 1000,
      rateLimitPerMinute: 0,
    },
  });
  const registered = [
    await call(
      LHCB_PILOT,
      'POST',
      '/api/pilots/',
      { pilot_stamp: LHCB_STAMP, vo: 'lhcb', pilot_reference: 'lhcb-ref' },
      [],
    ),
    await call(
      GRIDPP_PILOT,
      'POST',
      '/api/pilots/',
      { pilot_stamp: GRIDPP_STAMP, vo: 'gridpp', pilot_reference: 'gridpp-ref' },
      [],
    ),
  ];
  expect(registered.map((a) => a.status)).toEqual([201, 201]);
});
afterAll(() => app.dispose());

describe('a pilot stamp of another VO', () => {
  it('is answered like an unknown stamp by PATCH /api/pilots/metadata, and stays unchanged', async () => {
    const before = await pilotRow(LHCB_STAMP);
    const update = (stamp: string) =>
      call(GRIDPP_PILOT, 'PATCH', '/api/pilots/metadata', { [stamp]: { Status: 'Failed', StatusReason: 'probe' } }, [
        stamp,
      ]);
    const unknown = await update(UNKNOWN_STAMP);
    expect(unknown.status).toBe(404);
    expect(await update(LHCB_STAMP)).toEqual(unknown);
    expect(await pilotRow(LHCB_STAMP)).toEqual(before);
  });

  it("is answered like a taken stamp of the caller's own VO by registration, naming no VO, and unchanged", async () => {
    const before = await pilotRow(LHCB_STAMP);
    const register = (stamp: string) =>
      call(GRIDPP_PILOT, 'POST', '/api/pilots/', { pilot_stamp: stamp, vo: 'gridpp', pilot_reference: 'probe' }, [
        stamp,
      ]);
    const ownTaken = await register(GRIDPP_STAMP);
    expect(ownTaken.status).toBe(409);
    const otherVo = await register(LHCB_STAMP);
    expect(otherVo).toEqual(ownTaken);
    expect(otherVo.body).not.toContain('lhcb');
    expect(await pilotRow(LHCB_STAMP)).toEqual(before);
  });

  it('is answered like an unknown stamp by a registration into the other VO', async () => {
    const register = (stamp: string) =>
      call(GRIDPP_PILOT, 'POST', '/api/pilots/', { pilot_stamp: stamp, vo: 'lhcb' }, [stamp]);
    const unknown = await register(UNKNOWN_STAMP);
    expect(unknown.status).toBe(403);
    expect(await register(LHCB_STAMP)).toEqual(unknown);
    expect(await pilotRow(UNKNOWN_STAMP)).toBeUndefined();
  });

  it('is found by no search of the other VO, REST or MCP, like an unknown stamp', async () => {
    const search = (stamp: string) =>
      call(
        GRIDPP_USER,
        'POST',
        '/api/pilots/search',
        { search: [{ parameter: 'PilotStamp', operator: 'eq', value: stamp }] },
        [stamp],
      );
    const unknown = await search(UNKNOWN_STAMP);
    expect([unknown.status, unknown.body]).toEqual([200, '[]']);
    expect(await search(LHCB_STAMP)).toEqual(unknown);
    const token = await app.tokens.tokenFor(...GRIDPP_USER, { audience: MCP_URL });
    const tool = async (stamp: string): Promise<unknown> => {
      const res = await app.fetch('/mcp', {
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
          params: { name: 'search_pilots', arguments: { parameter: 'PilotStamp', operator: 'eq', value: stamp } },
        }),
      });
      const reply = (await res.json()) as { result: { structuredContent: Record<string, unknown> } };
      const { search_specs: _specs, ...rest } = reply.result.structuredContent;
      return rest;
    };
    const unknownTool = await tool(UNKNOWN_STAMP);
    expect(unknownTool).toMatchObject({ success: true, data: [] });
    expect(await tool(LHCB_STAMP)).toEqual(unknownTool);
  });
});
