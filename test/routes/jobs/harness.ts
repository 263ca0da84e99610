/**
 * Helpers for the jobs route tests: bearer headers for the users of the development
 * configuration, and JSON calls through the in-process handler.
 */
import type { TestApp } from '../../harness/app.ts';

/** The people of the shipped configuration, by role relative to chaen's jobs. */
export const PEOPLE = {
  owner: ['lhcb', 'lhcb_user', 'chaen'],
  sameGroup: ['lhcb', 'lhcb_user', 'albdr'],
  ownerOtherGroup: ['lhcb', 'lhcb_prmgr', 'chaen'],
  admin: ['lhcb', 'lhcb_admin', 'lhcbadmin'],
  pilot: ['lhcb', 'lhcb_pilot', 'lhcbpilot'],
  otherVo: ['gridpp', 'gridpp_user', 'alice'],
  otherVoAdmin: ['gridpp', 'gridpp_admin', 'gridppadmin'],
} as const satisfies Record<string, readonly [string, string, string]>;
export type Person = keyof typeof PEOPLE | 'anonymous';

export interface JsonCall {
  status: number;
  body: unknown;
  headers: Headers;
}

/** Calls `method path` as `who` with a JSON body. */
export async function call(app: TestApp, who: Person, method: string, path: string, body?: unknown): Promise<JsonCall> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who !== 'anonymous') {
    const [vo, group, user] = PEOPLE[who];
    headers.authorization = `Bearer ${await app.tokens.tokenFor(vo, group, user)}`;
  }
  const res = await app.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers };
}

/** Submits one simple job as `who` and returns its id. */
export async function submitJob(
  app: TestApp,
  who: Person,
  jdl = '[Executable = "echo"; Arguments = "hello";]',
): Promise<number> {
  const res = await call(app, who, 'POST', '/api/jobs/jdl', [jdl]);
  if (res.status !== 201) throw new Error(`submission as ${who} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { JobID: number }[])[0]!.JobID;
}
