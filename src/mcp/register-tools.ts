/**
 * @module mcp/register-tools
 * Puts tool definitions on an McpServer: each call gets a `ToolContext` for the authenticated
 * user, runs the tool (on arguments the endpoint has already parsed), checks that a policy tool
 * called its policy, maps errors through `toToolResult`, and writes one audit line (who, client,
 * tool, digest of the parsed arguments, outcome, duration). Duplicate names are refused at
 * startup, as the SDK does.
 */
import { RESOURCE_URI_META_KEY } from '@modelcontextprotocol/ext-apps/server';
import { inputRequired, type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { sha256HexSync } from '../logic/sha256.ts';
import type { AuthedUser } from '../core/user.ts';
import type { ConfirmFn, ToolContext, ToolDef } from '../tools/define.ts';
import { createCallContext } from '../wire/call-context.ts';
import { toToolResult } from '../wire/tool-errors.ts';
import { CONFIRM_KEY, ConfirmationRequired } from './confirm.ts';
import type { McpDeps } from './deps.ts';
import { DEFAULT_MCP_INLINE_FILES_MAX_BYTES } from './options.ts';
import { advertisedOutputSchema } from './output-schema.ts';
import { listedOnly } from './tool-arguments.ts';

/** What a tool call's context is built from. */
export interface CallScope {
  user: AuthedUser;
  /** The confirmation of one call of `tool` with `args` (bound to them), on the tools' clock. */
  confirmFor(tool: string, args: unknown, now: () => Date): ConfirmFn;
}

/** The call a context is for: the tool and its (parsed) arguments. */
export interface ToolCall {
  tool: string;
  args: unknown;
}

type ToolResult = {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: { [key: string]: unknown };
  isError?: boolean;
};

/** The form a person fills to confirm a destructive call. */
const ConfirmationSchema = z.object({ confirm: z.boolean().describe('Go ahead') });

/** A tool's MCP Apps metadata: its view, under the current key and the older one hosts may still read. */
const appToolMeta = (resourceUri: string): Record<string, unknown> => ({
  ui: { resourceUri },
  [RESOURCE_URI_META_KEY]: resourceUri,
});

const argsDigest = (args: unknown): string => sha256HexSync(JSON.stringify(args ?? {})).slice(0, 16);

/** The context of one call for `scope.user` (`wire/call-context`, plus its confirmation). */
export function toolContext(deps: McpDeps, scope: CallScope, call: ToolCall): ToolContext {
  return {
    ...createCallContext(deps, scope.user, new URL(deps.resourceUrl).origin),
    confirm: scope.confirmFor(call.tool, call.args, deps.now),
    confirmThreshold: deps.confirmThreshold,
    inlineFilesMaxBytes: deps.inlineFilesMaxBytes ?? DEFAULT_MCP_INLINE_FILES_MAX_BYTES,
  };
}

/** Runs one tool call for `scope.user`; never throws. */
async function runTool(def: ToolDef, deps: McpDeps, scope: CallScope, args: unknown): Promise<ToolResult> {
  const started = performance.now();
  const ctx = toolContext(deps, scope, { tool: def.name, args });
  const audit = (outcome: Record<string, unknown>): void => {
    const duration_ms = Math.round(performance.now() - started);
    deps.log.info('tool call', {
      tool: def.name,
      sub: scope.user.sub,
      client_id: scope.user.clientId ?? null,
      args_digest: argsDigest(args),
      ...outcome,
      duration_ms,
    });
  };
  try {
    const output = (await def.run(ctx, args as never)) as Record<string, unknown>;
    if (def.access.kind === 'policy' && !ctx.access.called) {
      deps.log.error('tool answered without calling its access policy', {
        tool: def.name,
        policy: def.access.policy.id,
      });
      if (deps.devCrashOnMissedPolicy) throw new Error(`tool ${def.name} did not call its policy`);
    }
    audit({ outcome: 'ok' });
    return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
  } catch (err) {
    if (err instanceof ConfirmationRequired) {
      audit({ outcome: 'input_required' });
      return inputRequired({
        inputRequests: {
          [CONFIRM_KEY]: inputRequired.elicit({ message: err.question, requestedSchema: ConfirmationSchema }),
        },
        requestState: err.requestState,
      }) as unknown as ToolResult;
    }
    const result = toToolResult(err, deps.log);
    audit({ outcome: 'error', error: result.content[0]?.text.split(':')[0] });
    return result;
  }
}

/**
 * Registers `defs` on `server` for the calls of one request. Arguments reach `run` as the SDK
 * receives them: the endpoint has parsed them with each tool's input schema
 * (`checkToolArguments`) before the request reaches the SDK.
 */
export function registerTools(
  server: McpServer,
  defs: readonly ToolDef[],
  deps: McpDeps,
  scopeOf: (ctx: unknown) => CallScope,
): void {
  const seen = new Set<string>();
  for (const def of defs) {
    if (seen.has(def.name)) throw new Error(`MCP tool ${def.name} is defined twice`);
    seen.add(def.name);
    server.registerTool(
      def.name,
      {
        title: def.title,
        description: def.description,
        inputSchema: listedOnly(def.input),
        outputSchema: advertisedOutputSchema(def.output, deps.devCrashOnMissedPolicy),
        annotations: { title: def.title, ...def.annotations },
        ...(def.ui ? { _meta: appToolMeta(def.ui.resourceUri) } : {}),
      },
      (args: unknown, mcpCtx: unknown) => runTool(def, deps, scopeOf(mcpCtx), args),
    );
  }
}
