/**
 * An agent with no person behind it: it logs in to a diracx-ts server by itself (OAuth client
 * credentials, with a client secret or a private_key_jwt assertion), using only the official MCP
 * SDK client. The SDK finds our authorization server from the 401 challenge of /mcp and the
 * protected-resource metadata, asks for a token bound to /mcp (RFC 8707), then the agent lists
 * the tools, submits a job, follows it and reads its status history, acting as the service
 * account the client is registered for (`Registry.<vo>.ServiceClients` in the configuration).
 *
 *   DIRACX_MCP_URL=https://diracx.example.org/mcp DIRACX_CLIENT_ID=lhcb-monitor \
 *   DIRACX_CLIENT_SECRET=... bun examples/agent.ts
 *
 * For private_key_jwt, set DIRACX_CLIENT_PRIVATE_KEY (a private JWK, as JSON) and optionally
 * DIRACX_CLIENT_KEY_ALG (default ES256) instead of the secret. DIRACX_ISSUER, when set, pins the
 * authorization server the credentials may be presented to. Prints one JSON report on stdout.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ClientCredentialsProvider, PrivateKeyJwtProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

/** The login the environment describes: a secret, or a private key signing assertions. */
function loginProvider(): OAuthClientProvider {
  const clientId = required('DIRACX_CLIENT_ID');
  const expectedIssuer = process.env.DIRACX_ISSUER;
  const privateKey = process.env.DIRACX_CLIENT_PRIVATE_KEY;
  if (privateKey) {
    const algorithm = process.env.DIRACX_CLIENT_KEY_ALG ?? 'ES256';
    return new PrivateKeyJwtProvider({
      clientId,
      privateKey: JSON.parse(privateKey) as Record<string, unknown>,
      algorithm,
      expectedIssuer,
    });
  }
  return new ClientCredentialsProvider({ clientId, clientSecret: required('DIRACX_CLIENT_SECRET'), expectedIssuer });
}

/** Calls a tool and returns its structured result; a tool error stops the agent. */
async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Record<string, unknown>;
}

async function main(): Promise<void> {
  const client = new Client({ name: 'diracx-example-agent', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(required('DIRACX_MCP_URL')), { authProvider: loginProvider() }),
  );
  try {
    const me = await call(client, 'whoami', {});
    const { tools } = await client.listTools();
    const submitted = await call(client, 'submit_job', {
      executable: 'echo',
      arguments: 'hello from an agent',
      job_name: 'agent-example',
    });
    const [jobId] = submitted.job_ids as number[];
    if (jobId === undefined) throw new Error('submit_job returned no job id');
    const job = await call(client, 'get_job', { job_id: jobId });
    const history = await call(client, 'get_job_status_history', { job_id: jobId });
    console.log(
      JSON.stringify({
        acting_as: { user: me.preferred_username, vo: me.vo, group: me.group, client_id: me.client_id },
        tools: tools.length,
        job_id: jobId,
        status: (job.data as Record<string, unknown>).Status,
        history: (history.history as { Status: string }[]).map((h) => h.Status),
      }),
    );
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  // One line a person or a supervising process can act on (e.g. "InvalidClientError: ...").
  console.error(`agent: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  process.exit(1);
});
