/**
 * @module mcp/resources
 * dirac-agentic's resources, plus a job's JDL and history: `dirac-job://{job_id}`,
 * `dirac-job://{job_id}/jdl`, `dirac-job://{job_id}/history` and `dirac-dashboard://jobs`; and the
 * job monitor's view (`ui://`, `monitor/resource.ts`), a page that holds no data.
 * Each is read through the tool of the same data (same policy, same logic), so a resource can
 * never show more than the tool would.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import type { ToolDef } from '../tools/define.ts';
import type { McpDeps } from './deps.ts';
import { registerMonitorView } from './monitor/resource.ts';
import { toolContext, type CallScope } from './register-tools.ts';

type Contents = { contents: { uri: string; mimeType: string; text: string }[] };

/** Reads a resource by running `toolName` with `args` for the caller; errors become a JSON error. */
async function viaTool(
  tools: readonly ToolDef[],
  deps: McpDeps,
  scope: CallScope,
  uri: URL,
  toolName: string,
  args: Record<string, unknown>,
): Promise<Contents> {
  const tool = tools.find((t) => t.name === toolName);
  let body: unknown;
  try {
    if (!tool) throw new Error(`tool ${toolName} missing`);
    const parsed: unknown = tool.input.parse(args);
    body = await tool.run(toolContext(deps, scope, { tool: toolName, args: parsed }), parsed as never);
  } catch (err) {
    body = { error: err instanceof Error ? err.message : String(err) };
  }
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body) }] };
}

/** Per-job resources: URI template, name, title, description, and the tool that reads them. */
const JOB_RESOURCES = [
  ['dirac-job://{job_id}', 'job', 'Job', 'The attributes of one job (as get_job).', 'get_job'],
  ['dirac-job://{job_id}/jdl', 'job-jdl', 'Job JDL', 'The stored JDL of one job (as get_job_jdl).', 'get_job_jdl'],
  [
    'dirac-job://{job_id}/history',
    'job-history',
    'Job status history',
    'The status history of one job (as get_job_status_history).',
    'get_job_status_history',
  ],
] as const;

export function registerResources(
  server: McpServer,
  tools: readonly ToolDef[],
  deps: McpDeps,
  scopeOf: (ctx: unknown) => CallScope,
): void {
  for (const [template, name, title, description, toolName] of JOB_RESOURCES) {
    server.registerResource(
      name,
      new ResourceTemplate(template, { list: undefined }),
      { title, description, mimeType: 'application/json' },
      (uri, variables, ctx) =>
        viaTool(tools, deps, scopeOf(ctx), uri, toolName, { job_id: Number([variables.job_id].flat()[0]) }),
    );
  }
  server.registerResource(
    'jobs-dashboard',
    'dirac-dashboard://jobs',
    {
      title: 'Jobs dashboard',
      description: 'How many of my jobs are in each status (as get_job_status_summary).',
      mimeType: 'application/json',
    },
    (uri, ctx) => viaTool(tools, deps, scopeOf(ctx), uri, 'get_job_status_summary', {}),
  );
  registerMonitorView(server);
}
