/**
 * `bun run bench/standalone-proxy.ts`: a standalone MCP server of the dirac-agentic kind, the
 * baseline our co-deployed `/mcp` is compared with. It answers `tools/call search_jobs` (the
 * flattened arguments of dirac-agentic's tool) by calling DiracX REST over HTTP,
 * `POST $DIRACX_URL/api/jobs/search`, with the caller's bearer token forwarded, and returns
 * dirac-agentic's result (`success`, `data`, `content_range`, `pagination`, `search_specs`) as
 * structured content plus its JSON text.
 *
 * It is a best case for that design: the same MCP SDK as our server, stateless with JSON
 * responses, McpServer instances reused, no token check of its own, and a kept-alive
 * connection to the REST server unless PROXY_FRESH_CONNECTIONS=1 (dirac-agentic opens a new
 * `AsyncDiracClient`, hence a new connection, per call). Listens on 127.0.0.1:PORT (default a
 * free port) and prints `{"msg":"listening","port":N}`.
 */
import { McpServer, WebStandardStreamableHTTPServerTransport, type AuthInfo } from '@modelcontextprotocol/server';
import { z } from 'zod';

const UPSTREAM = process.env.DIRACX_URL;
if (!UPSTREAM) throw new Error('DIRACX_URL is required');
const FRESH_CONNECTIONS = process.env.PROXY_FRESH_CONNECTIONS === '1';
/** The connection pool to REST: `keepAlive: false` closes each connection after its response. */
const upstream = new Bun.FetchSession({ keepAlive: !FRESH_CONNECTIONS });
const DEFAULT_FIELDS = [
  'JobID',
  'Status',
  'MinorStatus',
  'ApplicationStatus',
  'JobGroup',
  'Site',
  'JobName',
  'Owner',
  'LastUpdateTime',
];

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const Condition = z.object({
  parameter: z.string(),
  operator: z.string(),
  value: Scalar.nullish(),
  values: z.array(Scalar).nullish(),
});
type Condition = z.infer<typeof Condition>;

const SearchInput = z.object({
  parameter: z.string(),
  operator: z.enum(['eq', 'neq', 'gt', 'lt', 'like', 'not like', 'regex', 'in', 'not in']),
  value: Scalar.nullish(),
  values: z.array(Scalar).nullish(),
  extra_conditions: z.string().nullish(),
  result_fields: z.array(z.string()).nullish(),
  page: z.number().int().min(1).default(1),
  per_page: z.number().int().min(1).max(100).default(10),
  sort_by: z.string().nullish(),
  sort_direction: z.enum(['asc', 'desc']).default('asc'),
});

/** dirac-agentic's search spec of one condition. */
function spec(c: Condition): Record<string, unknown> {
  return c.values
    ? { parameter: c.parameter, operator: c.operator, values: c.values }
    : { parameter: c.parameter, operator: c.operator, value: c.value };
}

/** dirac-agentic's `_parse_content_range("jobs 0-9/42")`. */
function pagination(header: string | null): Record<string, unknown> {
  const m = /(\d+)-(\d+)\/(\d+)/.exec(header ?? '');
  if (!m) return { raw: header };
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { start, end, total, has_more: end < total - 1 };
}

async function searchJobs(args: z.infer<typeof SearchInput>, token: string): Promise<Record<string, unknown>> {
  const extra = args.extra_conditions ? z.array(Condition).parse(JSON.parse(args.extra_conditions)) : [];
  const search = [spec(args), ...extra.map(spec)];
  const body = {
    parameters: args.result_fields ?? DEFAULT_FIELDS,
    search,
    sort: args.sort_by ? [{ parameter: args.sort_by, direction: args.sort_direction }] : [],
  };
  const res = await upstream.fetch(`${UPSTREAM}/api/jobs/search?page=${args.page}&per_page=${args.per_page}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200 && res.status !== 206)
    return { success: false, error: `HTTP ${res.status}: ${await res.text()}`, search_specs: search };
  const data = (await res.json()) as unknown[];
  const range = res.headers.get('content-range');
  return { success: true, data, content_range: range, pagination: pagination(range), search_specs: search };
}

function build(): McpServer {
  const server = new McpServer({ name: 'standalone-proxy', version: '0.0.0' });
  server.registerTool(
    'search_jobs',
    {
      description: 'Search jobs with one condition and optional extra_conditions (JSON array string).',
      inputSchema: SearchInput,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async (args, ctx) => {
      let output: Record<string, unknown>;
      try {
        output = await searchJobs(args, ctx.http?.authInfo?.token ?? '');
      } catch (err) {
        output = { success: false, error: String(err) };
      }
      return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
    },
  );
  return server;
}

const idle: McpServer[] = [];

async function handle(req: Request): Promise<Response> {
  if (new URL(req.url).pathname !== '/mcp') return new Response('Not found', { status: 404 });
  if (req.method !== 'POST') return new Response('Method not allowed', { status: 405 });
  const token = (req.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
  const authInfo: AuthInfo = { token, clientId: '', scopes: [] };
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  const server = idle.pop() ?? build();
  await server.connect(transport);
  try {
    const res = await transport.handleRequest(req, { authInfo });
    return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
  } finally {
    await server.close();
    idle.push(server);
  }
}

const http = Bun.serve({ hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0), fetch: handle });
console.log(JSON.stringify({ msg: 'listening', port: http.port }));
process.on('SIGTERM', () => {
  void http.stop(true);
  process.exit(0);
});
