/**
 * The extension testing kit (`@diracx-ts/sdk/testing`) with a tiny inline extension, not gubbins:
 * its migration has run, its route answers an authorized test user and refuses another, its tool
 * answers over MCP with a `/mcp` token and refuses without the property, and what the kit is given
 * (users, configuration) is what the server runs with, and the build manifest plays no part.
 * Its MySQL/MariaDB database set is created, migrated and dropped again (skipped without MariaDB
 * unless DIRACX_REQUIRE_MARIADB_TESTS=1). The kit is imported the way an outside extension does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import {
  defineExtension,
  defineTool,
  EXTENSION_CONTRACT_VERSION,
  READ_ONLY,
  requireAnyProperty,
  postgresHandle,
  type AccessPolicy,
  type Session,
} from '@diracx-ts/sdk';
import {
  buildTestConfig,
  configUser,
  ConfigValidationError,
  createMigratedMysqlTestDatabase,
  mysqlTestServerAvailability,
  startExtensionTestServer,
  type ExtensionTestServer,
  type TestConfigDocument,
} from '@diracx-ts/sdk/testing';
import { dirname, resolve } from 'node:path';
import { readImports } from '../architecture/imports.ts';
// Not the kit: reading raw rows portably (PGlite and postgres.js shape them differently).
import { resultRows } from '../../src/db/database.ts';
import { postgresOf } from '../harness/database.ts';

const WIDGET_MAKER = 'WidgetMaker';
const widgetsPolicy: AccessPolicy<Record<string, never>> = {
  id: 'widgets',
  async check(ctx) {
    requireAnyProperty(ctx.user, [WIDGET_MAKER]);
  },
};
const ACCESS = { kind: 'policy', policy: widgetsPolicy } as const;

/** The rows the migration seeds: reading them back proves it ran. */
async function countWidgets(session: Session): Promise<number> {
  const db = postgresHandle(session, 'widgets');
  return Number(resultRows<{ n: number }>(await db.execute(sql`SELECT count(*)::int AS n FROM "WidgetsThings"`))[0]?.n);
}

const widgets = defineExtension({
  name: 'widgets',
  contractVersion: EXTENSION_CONTRACT_VERSION,
  description: 'A tiny extension for the testing kit test.',
  properties: [WIDGET_MAKER],
  policies: [widgetsPolicy],
  migrations: [
    {
      name: '0000_things',
      sql:
        'CREATE TABLE "WidgetsThings" (id int);\n--> statement-breakpoint\n' +
        'INSERT INTO "WidgetsThings" VALUES (1), (2);',
    },
  ],
  routes(router) {
    const route = router.define(ACCESS, {
      method: 'get',
      path: '/api/widgets/count',
      operationId: 'widgets_count',
      responses: {
        200: { description: 'How many', content: { 'application/json': { schema: z.object({ count: z.number() }) } } },
      },
    });
    router.app.openapi(route, async (c) => {
      await c.get('access').check(widgetsPolicy, {});
      return c.json({ count: await countWidgets(router.deps.database.session) }, 200);
    });
  },
  tools: [
    defineTool({
      name: 'count_widgets',
      title: 'Count widgets',
      description: 'How many widgets there are. Example: count_widgets()',
      input: z.object({}),
      output: z.object({ count: z.number() }),
      annotations: { ...READ_ONLY, openWorldHint: false },
      access: ACCESS,
      async run(ctx) {
        await ctx.access.check(widgetsPolicy, {});
        return { count: await countWidgets(ctx.database.session) };
      },
    }),
  ],
});

const USERS = { maker: { vo: 'lhcb', group: 'lhcb_widget_makers', properties: ['NormalUser', WIDGET_MAKER] } };

describe('startExtensionTestServer', () => {
  let server: ExtensionTestServer<keyof typeof USERS>;
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startExtensionTestServer({ extensions: [widgets], users: USERS, listen: true });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });

  async function mcpAs(who: 'maker' | 'owner'): Promise<Client> {
    const token = await server.tokenFor(who, { mcp: true });
    const client = new Client({ name: `kit-${who}`, version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(server.mcpUrl, {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  }

  it("has applied and recorded the extension's migration", async () => {
    expect(await countWidgets(server.database.session)).toBe(2);
    const recorded = resultRows<{ k: string }>(
      await postgresOf(server.database).db.execute(
        sql`SELECT "Extension" || '/' || "Name" AS k FROM "ExtensionMigrations"`,
      ),
    );
    expect(recorded.map((r) => r.k)).toEqual(['widgets/0000_things']);
  });

  it('answers the route for a user holding the property, and refuses one without it', async () => {
    expect(await server.call('maker', 'GET', '/api/widgets/count')).toMatchObject({ status: 200, body: { count: 2 } });
    expect((await server.call('owner', 'GET', '/api/widgets/count')).status).toBe(403);
    expect((await server.call('anonymous', 'GET', '/api/widgets/count')).status).toBe(401);
    // A token that expired a minute ago (past the verifier's clock tolerance) is refused.
    expect((await server.call('maker', 'GET', '/api/widgets/count', undefined, { lifetimeSeconds: -60 })).status).toBe(
      401,
    );
    // A token's properties can be chosen per call: the same person with the property passes.
    expect(
      (await server.call('owner', 'GET', '/api/widgets/count', undefined, { properties: [WIDGET_MAKER] })).status,
    ).toBe(200);
  });

  it('mints REST tokens that /mcp refuses, and /mcp tokens it accepts', async () => {
    const post = async (token: string) =>
      fetch(server.mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    expect((await post(await server.tokenFor('maker'))).status).toBe(401);
    expect(server.url).toBe(server.mcpUrl.origin);
    const maker = await mcpAs('maker');
    expect((await maker.callTool({ name: 'count_widgets', arguments: {} })).structuredContent).toEqual({ count: 2 });
    const owner = await mcpAs('owner');
    const refused = await owner.callTool({ name: 'count_widgets', arguments: {} });
    expect(refused.isError).toBe(true);
    expect((refused.content as { text: string }[])[0]?.text).toStartWith('FORBIDDEN:');
  });

  it('serves the configuration it was given, with the added users', async () => {
    const res = await server.call('maker', 'GET', '/api/config/');
    expect(res.status).toBe(200);
    const registry = (res.body as { Registry: Record<string, { Groups: Record<string, { Properties: string[] }> }> })
      .Registry;
    expect(registry.lhcb?.Groups.lhcb_widget_makers?.Properties).toEqual(['NormalUser', WIDGET_MAKER]);
    expect(server.users.maker).toEqual({ vo: 'lhcb', group: 'lhcb_widget_makers', preferredUsername: 'maker' });
  });
});

describe('the extensions in force', () => {
  /** Every module of ours the kit reaches (relative imports, type-only ones included), from its entry. */
  async function reachedFromKit(): Promise<Set<string>> {
    const seen = new Set<string>();
    const pending = [resolve(import.meta.dir, '../../src/testing/index.ts')];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      for (const { specifier } of readImports(await Bun.file(file).text())) {
        if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      }
    }
    return seen;
  }

  it('are the ones given: the kit never reaches the build manifest', async () => {
    const reached = await reachedFromKit();
    expect(reached).toContain(resolve(import.meta.dir, '../../src/extensions/compose.ts'));
    expect([...reached].filter((f) => f.includes('manifest.gen'))).toEqual([]);
  });

  it('leave out an extension the build manifest may list', async () => {
    const core = await startExtensionTestServer({ extensions: [] });
    try {
      expect((await core.call('owner', 'GET', '/api/gubbins/owners')).status).toBe(404);
      expect(core.app.extensions.names).toEqual([]);
    } finally {
      await core.close();
    }
  });
});

describe('buildTestConfig', () => {
  const colourChaen = (value: unknown) => (doc: TestConfigDocument) => {
    configUser(doc, 'lhcb', 'chaen').WidgetColour = value;
  };

  it('validates the edited document with the schema the extensions compose', async () => {
    const error = await buildTestConfig({ edit: colourChaen('blue') }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(String(error)).toContain('WidgetColour');
    const coloured = defineExtension({ ...widgets, config: { userFields: { WidgetColour: z.string().optional() } } });
    const { config } = await buildTestConfig({ extensions: [coloured], edit: colourChaen('blue') });
    const chaen = Object.values(config.Registry.lhcb?.Users ?? {}).find((u) => u.PreferedUsername === 'chaen');
    expect(chaen).toMatchObject({ WidgetColour: 'blue' });
  });

  it('refuses a new group without properties', async () => {
    const error = await buildTestConfig({ users: { nobody: { vo: 'lhcb', group: 'lhcb_new' } } }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain('group lhcb_new is new to lhcb');
  });
});

const mysqlServer = await mysqlTestServerAvailability();
describe.skipIf(!mysqlServer.available && Bun.env.DIRACX_REQUIRE_MARIADB_TESTS !== '1')(
  `createMigratedMysqlTestDatabase${mysqlServer.available ? '' : ` (skipped: ${mysqlServer.reason})`}`,
  () => {
    it("creates our database and DiracX's, migrated, and drops them all on dispose", async () => {
      const t = await createMigratedMysqlTestDatabase({ label: 'kit' });
      const all = [t.names.own, ...Object.values(t.names.diracx)];
      expect(all.every((name) => name.startsWith('kit_'))).toBe(true);
      const inSet = sql.join(
        all.map((name) => sql`${name}`),
        sql`, `,
      );
      // Read from another set's connection: `t`'s pool is closed by `dispose`.
      const probe = await createMigratedMysqlTestDatabase({ migrate: false });
      try {
        const tables = await probe.database.query<{ db: string; n: number }>(
          sql`SELECT TABLE_SCHEMA AS db, COUNT(*) AS n FROM information_schema.TABLES
              WHERE TABLE_SCHEMA IN (${inSet}) GROUP BY TABLE_SCHEMA`,
        );
        const counts = Object.fromEntries(tables.map((r) => [r.db, Number(r.n)]));
        expect(counts[t.names.own]).toBeGreaterThan(0);
        expect(counts[t.names.diracx.JobDB]).toBeGreaterThan(0);
        expect(t.database.session.ownDatabase).toBe(t.names.own);
        await t.dispose();
        const left = await probe.database.query(
          sql`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${inSet})`,
        );
        expect(left).toEqual([]);
      } finally {
        await probe.dispose();
      }
    }, 60_000);
  },
);
