/**
 * A real HTTP server for MCP client tests: the testing kit's (`src/testing/listen.ts`) over this
 * repository's fast test databases (`test/harness/database.ts`, cloned from a migrated template).
 */
import {
  startMcpTestServer as startKitMcpTestServer,
  type McpTestServer,
  type McpTestServerOptions,
} from '../../src/testing/listen.ts';
import { createTestDatabase } from '../harness/database.ts';

export type { McpTestServer, McpTestServerOptions } from '../../src/testing/listen.ts';

/** The kit's `startMcpTestServer`, on a database cloned from the migrated template. */
export function startMcpTestServer(options: McpTestServerOptions = {}): Promise<McpTestServer> {
  return startKitMcpTestServer({ createDatabase: () => createTestDatabase(), ...options });
}
