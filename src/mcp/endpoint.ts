/**
 * @module mcp/endpoint
 * `/mcp`: the MCP server over streamable HTTP, stateless (any process answers any request),
 * serving the 2026-07-28 protocol through the SDK's `createMcpHandler` and 2025-era clients
 * with one JSON answer per request (single requests through `json-call.ts`, the rest through
 * the SDK's streamable HTTP transport). In front of it: Host/Origin allow-lists (DNS-rebinding
 * protection, 403), and the bearer token, verified by the same verifier as REST and required to
 * be issued for this resource (`aud` = the public `/mcp` URL, RFC 8707). Refusals carry the RFC 9728
 * `resource_metadata` challenge so clients can find where to log in. Each caller (token subject
 * and client) gets at most `rateLimitPerMinute` calls a minute, and a subject a few times that
 * across its clients (429 with `Retry-After`): a JSON-RPC batch (2025-03-26 clients) counts as
 * its messages, and one bigger than the caller's remaining budget is refused whole, before any
 * of it runs.
 */
import {
  createMcpHandler,
  isLegacyRequest,
  McpServer,
  SUPPORTED_PROTOCOL_VERSIONS,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type JSONRPCRequest,
} from '@modelcontextprotocol/server';
import type { AuthedUser } from '../core/user.ts';
import { DiracxError } from '../core/errors.ts';
import { CallerLimiter } from '../logic/auth/rate-limit.ts';
import type { ToolDef } from '../tools/define.ts';
import { bearerToken } from '../wire/auth-header.ts';
import { detailResponse, toHttpResponse } from '../wire/http-errors.ts';
import type { McpDeps } from './deps.ts';
import { elicitationConfirm, type Confirmations } from './confirm.ts';
import { deriveConfirmationKey, randomConfirmationKey, UsedConfirmations } from './confirmation-token.ts';
import { createJsonCall } from './json-call.ts';
import { jsonRpcErrorResponse } from './json-rpc-error.ts';
import { registerPrompts } from './prompts.ts';
import { registerResources } from './resources.ts';
import { registerTools, type CallScope } from './register-tools.ts';
import { createCachingSchemaValidator } from './schema-validator.ts';
import { checkToolArguments } from './tool-arguments.ts';

/** Where the protected-resource metadata of `resourceUrl` lives (RFC 9728 §3.1, path-inserted). */
export function protectedResourceMetadataUrl(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname === '/' ? '' : url.pathname}`;
}

function challenge(deps: McpDeps, error: string, description: string, status: 401 | 403): Response {
  const header =
    `Bearer error="${error}", error_description="${description}", ` +
    `resource_metadata="${protectedResourceMetadataUrl(deps.resourceUrl)}"`;
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'content-type': 'application/json', 'www-authenticate': header },
  });
}

/** Hostname[:port] of a Host header, lower-cased. */
const hostOf = (header: string | null): string => (header ?? '').trim().toLowerCase();

/** The caller, or the response refusing them. */
async function authenticate(deps: McpDeps, req: Request): Promise<AuthedUser | Response> {
  let user: AuthedUser;
  try {
    user = await deps.verifier(bearerToken(req.headers.get('authorization') ?? undefined));
  } catch (err) {
    const missing = err instanceof DiracxError && err.message === 'Authorization header is missing';
    return challenge(deps, 'invalid_token', missing ? 'Missing access token' : 'Invalid access token', 401);
  }
  if (!(user.audience ?? []).includes(deps.resourceUrl)) {
    return challenge(deps, 'invalid_token', 'The token was not issued for this resource', 401);
  }
  return user;
}

export type McpEndpoint = (req: Request) => Promise<Response>;

/** Largest JSON-RPC body accepted (the SDK's default). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The parsed JSON body of a POST (undefined otherwise), or the response refusing it. It reads
 * the body itself (no clone: teeing a streamed body costs every call), so everything after it
 * must be handed the parsed body, as the SDK's entry points are.
 */
async function readJsonBody(req: Request): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) return detailResponse(413, 'Request body too large');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return jsonRpcErrorResponse(400, -32700, 'Parse error');
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The body as a 2025-era JSON-RPC request when that is plain to see, decided without the SDK's
 * classifier (a zod pass over the whole message): one request with no `_meta` in its params
 * and no protocol-version header naming a 2026 revision. Such a request carries no
 * per-request envelope claim, and a request without one is legacy in the SDK's own
 * classification. Undefined means "not decided here": the SDK's `isLegacyRequest` decides.
 */
function plainLegacyRequest(req: Request, body: unknown): JSONRPCRequest | undefined {
  const version = req.headers.get('mcp-protocol-version');
  if (version !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return undefined;
  if (
    !isPlainObject(body) ||
    body.jsonrpc !== '2.0' ||
    typeof body.method !== 'string' ||
    'result' in body ||
    'error' in body
  )
    return undefined;
  if (!(typeof body.id === 'string' || Number.isInteger(body.id))) return undefined;
  if (!(body.params === undefined || (isPlainObject(body.params) && !('_meta' in body.params)))) return undefined;
  return body as JSONRPCRequest;
}

/** The response refusing what `charge` throws (a rate limit), or undefined when it passed. */
function refusal(charge: () => void, deps: McpDeps): Response | undefined {
  try {
    charge();
    return undefined;
  } catch (err) {
    return toHttpResponse(err, deps.log);
  }
}

/** The units of work a body asks for: a batch counts as its messages (an empty one as one). */
const workUnits = (body: unknown): number => (Array.isArray(body) ? Math.max(1, body.length) : 1);

/** Whether the body holds an `initialize` request (alone or in a batch). */
const initializes = (body: unknown): boolean =>
  (Array.isArray(body) ? body : [body]).some((m) => isPlainObject(m) && m.method === 'initialize');

/** Builds the `/mcp` endpoint over the given tools. */
export function createMcpEndpoint(deps: McpDeps, tools: readonly ToolDef[]): McpEndpoint {
  const jsonSchemaValidator = createCachingSchemaValidator();
  const toolsByName = new Map(tools.map((t) => [t.name, t]));
  const limiter = new CallerLimiter(deps.rateLimitPerMinute, 60_000);
  const confirmations: Confirmations = {
    key: deps.confirmationSecret ? deriveConfirmationKey(deps.confirmationSecret) : randomConfirmationKey(),
    used: new UsedConfirmations(),
  };
  const factory = (): McpServer => {
    const server = new McpServer(
      { name: 'diracx-ts', version: '0.1.0', title: 'DiracX grid workload management' },
      {
        capabilities: { logging: {} },
        instructions:
          'Tools act on the DIRAC grid as the logged-in user: search, inspect, submit, kill and reschedule jobs.',
        jsonSchemaValidator,
      },
    );
    const scopeOf = (ctx: unknown): CallScope => {
      const c = ctx as { http?: { authInfo?: { extra?: { user?: AuthedUser } } } };
      const user = c.http?.authInfo?.extra?.user;
      if (!user) throw new Error('MCP call without an authenticated user');
      return {
        user,
        confirmFor: (tool, args, now) => elicitationConfirm(confirmations, ctx, { user, tool, args, now }),
      };
    };
    registerTools(server, tools, deps, scopeOf);
    registerResources(server, tools, deps, scopeOf);
    registerPrompts(server);
    return server;
  };
  // 2026-07-28 requests: the SDK's per-request handler. 2025-era requests: our own stateless
  // leg answering one JSON body (the SDK's leg always streams SSE, which costs every call);
  // single requests take its fast lane (`json-call.ts`), the rest the SDK's transport.
  const modern = createMcpHandler(factory, { legacy: 'reject' });
  const jsonCall = createJsonCall(factory);
  // Servers hold no user state (the user travels in `authInfo`), so a finished request's server
  // serves the next one: building one (registering every tool) costs more than the call itself.
  // `initialize` records the client's capabilities and version on its server: that server is
  // not reused.
  const idle: McpServer[] = [];
  const legacy = async (req: Request, authInfo: AuthInfo, parsedBody: unknown): Promise<Response> => {
    if (req.method !== 'POST') return detailResponse(405, 'Method not allowed.', { allow: 'POST' });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    const reusable = !initializes(parsedBody);
    const server = (reusable ? idle.pop() : undefined) ?? factory();
    await server.connect(transport);
    try {
      // JSON mode: the response holds its whole body (no stream tied to the server we close).
      return await transport.handleRequest(req, { authInfo, parsedBody });
    } finally {
      await server.close();
      if (reusable) idle.push(server);
    }
  };

  return async (req) => {
    const host = hostOf(req.headers.get('host'));
    if (host && !deps.allowedHosts.includes(host)) return detailResponse(403, 'Host not allowed');
    const origin = req.headers.get('origin');
    if (origin && !deps.allowedOrigins.includes(origin)) return detailResponse(403, 'Origin not allowed');
    const user = await authenticate(deps, req);
    if (user instanceof Response) return user;
    const caller = user.clientId ?? '';
    // Refused at once when not even one call fits, before reading the body; charged per call below.
    const overLimit = refusal(() => limiter.check(caller, user.sub, Date.now()), deps);
    if (overLimit) return overLimit;
    const authInfo: AuthInfo = {
      token: '',
      clientId: user.clientId ?? '',
      scopes: [...user.properties],
      expiresAt: user.expiresAt,
      resource: new URL(deps.resourceUrl),
      extra: { user },
    };
    const rawBody = await readJsonBody(req);
    const refused = refusal(
      () => limiter.hit(caller, user.sub, Date.now(), rawBody instanceof Response ? 1 : workUnits(rawBody)),
      deps,
    );
    if (refused) return refused;
    if (rawBody instanceof Response) return rawBody;
    const checked = checkToolArguments(rawBody, toolsByName);
    if (checked instanceof Response) return checked;
    const parsedBody = checked.body;
    const plain = plainLegacyRequest(req, parsedBody);
    if (plain && plain.method !== 'initialize') return jsonCall(req, plain, authInfo);
    if (plain || (await isLegacyRequest(req, parsedBody))) return legacy(req, authInfo, parsedBody);
    return modern.fetch(req, { authInfo, parsedBody });
  };
}
