/**
 * The security matrix against its hand-written expectations (`expected.ts`): every REST route
 * and MCP tool of the matrix, sent the matrix's own request by each of the five people on fresh
 * data, answers what the table says. The matrix derives its expectations from the policies in
 * force; this table was written from the rules, so a wrong policy fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { requestFor, ROUTES, TOOLS } from './entries.ts';
import { EXPECTED_ROUTES, EXPECTED_TOOLS, type RestOutcome, type Row, type ToolOutcome } from './expected.ts';
import { createWorld, newCell, PEOPLE, type Person, type World } from './fixture.ts';
import { callTool, send, type Reply } from './send.ts';

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(() => world.dispose());

const PERSONS = Object.keys(PEOPLE) as Person[];

/** A REST reply's outcome class: `ok` for any 2xx, else the status. */
const restOutcome = (reply: Reply): RestOutcome => (reply.status >= 200 && reply.status < 300 ? 'ok' : reply.status);

/** A tool call's outcome class: `ok`, the tool error's code, or what else came back (never expected). */
function toolOutcome(reply: Reply): ToolOutcome | string {
  if (reply.status !== 200) return `HTTP ${reply.status}`;
  const body = JSON.parse(reply.text) as {
    result?: { isError?: boolean; content?: { text?: string }[] };
    error?: { code: number };
  };
  if (body.error) return `JSON-RPC ${body.error.code}`;
  if (!body.result?.isError) return 'ok';
  const [code = ''] = (body.result.content?.[0]?.text ?? '').split(':');
  return code;
}

/** Each person's outcome, each on fresh data. */
async function outcomes<Outcome>(call: (person: Person) => Promise<Outcome>): Promise<Record<Person, Outcome>> {
  const row = {} as Record<Person, Outcome>;
  for (const person of PERSONS) row[person] = await call(person);
  return row;
}

describe('the hand-written table', () => {
  it('has one row per REST route and per MCP tool of the matrix, no more', () => {
    expect(Object.keys(EXPECTED_ROUTES).sort()).toEqual(Object.keys(ROUTES).sort());
    expect(Object.keys(EXPECTED_TOOLS).sort()).toEqual(Object.keys(TOOLS).sort());
  });

  it('gives an outcome for each of the five people in every row', () => {
    const rows: [string, Row<unknown>][] = [...Object.entries(EXPECTED_ROUTES), ...Object.entries(EXPECTED_TOOLS)];
    const incomplete = rows.filter(([, row]) => Object.keys(row).sort().join() !== [...PERSONS].sort().join());
    expect(incomplete.map(([key]) => key)).toEqual([]);
  });
});

describe('REST routes answer as the table says', () => {
  for (const [route, expected] of Object.entries(EXPECTED_ROUTES)) {
    it(route, async () => {
      const [method] = route.split(' ') as [string];
      const actual = await outcomes(async (person) => {
        const req = await requestFor(route, newCell(world));
        return restOutcome(await send(world, person, method, req.path, req.body, false));
      });
      expect({ route, outcomes: actual }).toEqual({ route, outcomes: expected });
    });
  }
});

describe('MCP tools answer as the table says', () => {
  for (const [tool, expected] of Object.entries(EXPECTED_TOOLS)) {
    it(tool, async () => {
      const entry = TOOLS[tool];
      if (!entry) throw new Error(`${tool} is not in the matrix`);
      const actual = await outcomes(async (person) =>
        toolOutcome(await callTool(world, person, tool, await entry.args(newCell(world)))),
      );
      expect({ tool, outcomes: actual }).toEqual({ tool, outcomes: expected });
    });
  }
});
