/**
 * Helpers for the pilot route tests: an API app holding only the pilot routes (with the real
 * access middleware, 422 hook and error wire), the people of the development configuration
 * with the properties each test role needs, and JSON calls as one of them.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { assignJobsToPilot } from '../../../src/logic/pilots/management.ts';
import { RouteCatalogue } from '../../../src/routes/access.ts';
import type { ApiEnv } from '../../../src/routes/env.ts';
import { registerPilotRoutes } from '../../../src/routes/pilots.ts';
import { validationHook } from '../../../src/routes/validation.ts';
import { toHttpResponse } from '../../../src/wire/http-errors.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';

/** vo, group, user and, when not the group's, the token's properties. */
type Identity = readonly [string, string, string, (readonly string[])?];

/** The shipped configuration has no ServiceAdministrator group: those tokens name it explicitly. */
export const PEOPLE = {
  admin: ['lhcb', 'lhcb_admin', 'lhcbadmin', ['ServiceAdministrator']],
  jobAdmin: ['lhcb', 'lhcb_admin', 'lhcbadmin'],
  pilot: ['lhcb', 'lhcb_pilot', 'lhcbpilot'],
  user: ['lhcb', 'lhcb_user', 'chaen'],
  otherVo: ['gridpp', 'gridpp_user', 'alice'],
  otherVoPilot: ['gridpp', 'gridpp_pilot', 'gridpppilot'],
  otherVoAdmin: ['gridpp', 'gridpp_admin', 'gridppadmin', ['ServiceAdministrator']],
} as const satisfies Record<string, Identity>;
export type Person = keyof typeof PEOPLE | 'anonymous';

export interface JsonCall {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface PilotsTestApp {
  test: TestApp;
  api: OpenAPIHono<ApiEnv>;
  catalogue: RouteCatalogue;
  /** Calls `method path` as `who` with a JSON body. */
  call(who: Person, method: string, path: string, body?: unknown): Promise<JsonCall>;
  /** Registers pilots of `vo` as a ServiceAdministrator; throws unless each answers 201. */
  register(vo: string, stamps: readonly string[]): Promise<void>;
  /** Records that the pilot `stamp` ran `jobIds`. */
  assign(stamp: string, jobIds: readonly number[]): Promise<void>;
  dispose(): Promise<void>;
}

/** What a pilot test may set: the clock of the pilot operations (default: the system clock). */
export interface PilotsTestAppOptions {
  now?: () => Date;
}

export async function createPilotsTestApp(options: PilotsTestAppOptions = {}): Promise<PilotsTestApp> {
  const now = options.now ?? (() => new Date());
  const test = await createTestApp({ now });
  const api = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const catalogue = new RouteCatalogue();
  registerPilotRoutes(api, test.apiDeps, catalogue);
  api.onError((err) => toHttpResponse(err, test.apiDeps.log));

  const call = async (who: Person, method: string, path: string, body?: unknown): Promise<JsonCall> => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (who !== 'anonymous') {
      const [vo, group, user, properties]: Identity = PEOPLE[who];
      const options = properties ? { properties: [...properties] } : undefined;
      headers.authorization = `Bearer ${await test.tokens.tokenFor(vo, group, user, options)}`;
    }
    const init: RequestInit = {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    };
    const res = await api.request(new Request(new URL(path, 'http://test'), init));
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers };
  };

  return {
    test,
    api,
    catalogue,
    call,
    register: async (vo, stamps) => {
      for (const stamp of stamps) {
        const res = await call('admin', 'POST', '/api/pilots/', { pilot_stamp: stamp, vo });
        if (res.status !== 201) throw new Error(`registering ${stamp}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    },
    assign: (stamp, jobIds) =>
      assignJobsToPilot({ database: test.database, config: test.config.current().config, now }, stamp, jobIds),
    dispose: () => test.dispose(),
  };
}
