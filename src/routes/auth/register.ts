/**
 * @module routes/auth/register
 * `POST /api/auth/register`: OAuth 2.0 dynamic client registration (RFC 7591) of public
 * clients (MCP hosts), public. Not in DiracX. The JSON body is read here, at most 16 KiB
 * (413 beyond), and handed to `registerClient`: a refusal is 400 with RFC 7591's
 * `{"error", "error_description"}`, success 201 with the registered metadata and no secret.
 * Registrations are rate limited per caller address (429 with Retry-After).
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import {
  CLIENT_GRANT_TYPES,
  MAX_CLIENT_NAME_LENGTH,
  MAX_REGISTERED_REDIRECT_URIS,
  registerClient,
} from '../../logic/auth/clients/client-registration.ts';
import { OAuthError } from '../../core/errors.ts';
import { readLimitedText } from '../../logic/limited-body.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { flowContext, limitCaller } from './flow-support.ts';

/** Largest registration body read; client metadata is a few hundred bytes. */
export const MAX_REGISTRATION_BODY_BYTES = 16 * 1024;

const RegistrationResponseSchema = z.object({
  client_id: z.string(),
  client_id_issued_at: z.number().int(),
  client_name: z.string().optional(),
  redirect_uris: z.array(z.string()),
  grant_types: z.array(z.enum(CLIENT_GRANT_TYPES)),
  response_types: z.tuple([z.literal('code')]),
  token_endpoint_auth_method: z.literal('none'),
});

const OAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * Documented only: the body is read and checked by the handler (so that a refusal is an
 * RFC 7591 error rather than a 422), hence a plain OpenAPI schema rather than a zod one.
 */
const registrationRequestDoc = {
  type: 'object' as const,
  required: ['redirect_uris'],
  properties: {
    redirect_uris: {
      type: 'array' as const,
      items: { type: 'string' as const },
      minItems: 1,
      maxItems: MAX_REGISTERED_REDIRECT_URIS,
    },
    client_name: { type: 'string' as const, maxLength: MAX_CLIENT_NAME_LENGTH },
    grant_types: { type: 'array' as const, items: { type: 'string' as const, enum: [...CLIENT_GRANT_TYPES] } },
    response_types: { type: 'array' as const, items: { type: 'string' as const, enum: ['code'] } },
    token_endpoint_auth_method: { type: 'string' as const, enum: ['none'] },
    scope: { type: 'string' as const, description: 'Accepted and ignored' },
  },
};

/**
 * Request example: what an MCP host on loopback registers (must pass our validation:
 * test/routes/openapi-examples.test.ts).
 */
const REGISTRATION_EXAMPLES = {
  Default: {
    value: {
      redirect_uris: ['http://127.0.0.1:33418/callback'],
      client_name: 'My MCP host',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
  },
};

const tooLarge = () =>
  new Response(
    JSON.stringify({
      error: 'invalid_client_metadata',
      error_description: `The request body is larger than ${MAX_REGISTRATION_BODY_BYTES} bytes`,
    }),
    { status: 413, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } },
  );

export function registerClientRegistrationRoute(
  app: OpenAPIHono<ApiEnv>,
  deps: ApiDeps,
  catalogue: RouteCatalogue,
): void {
  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'post',
        path: '/api/auth/register',
        operationId: 'auth_register_client',
        tags: ['auth'],
        summary: 'Register Client',
        description:
          'OAuth 2.0 dynamic client registration (RFC 7591) of a public client such as an MCP host: ' +
          'redirect URIs must be https, loopback http (any port) or a native app scheme. No secret is issued; ' +
          'a registration unused for a while expires.',
        request: {
          body: {
            required: true,
            content: { 'application/json': { schema: registrationRequestDoc, examples: REGISTRATION_EXAMPLES } },
          },
        },
        responses: {
          201: {
            description: 'The registered client',
            content: { 'application/json': { schema: RegistrationResponseSchema } },
          },
          400: {
            description: 'invalid_redirect_uri or invalid_client_metadata',
            content: { 'application/json': { schema: OAuthErrorSchema } },
          },
          413: { description: 'Body too large', content: { 'application/json': { schema: OAuthErrorSchema } } },
          429: { description: 'Too many registrations from this address' },
        },
      },
    ),
    async (c) => {
      limitCaller(c, deps, deps.auth.flows.limits.registration, '(registration)');
      const declared = Number(c.req.header('content-length') ?? '0');
      if (declared > MAX_REGISTRATION_BODY_BYTES) return tooLarge();
      const read = await readLimitedText(c.req.raw.body, MAX_REGISTRATION_BODY_BYTES);
      if (!read.ok) return tooLarge();
      let metadata: unknown;
      try {
        metadata = JSON.parse(read.text);
      } catch {
        throw new OAuthError('INVALID_INPUT', 'invalid_client_metadata', 'The request body is not valid JSON');
      }
      const ctx = flowContext(deps);
      const registered = await registerClient(ctx, metadata, ctx.now());
      return c.json(registered, 201, { 'cache-control': 'no-store', pragma: 'no-cache' });
    },
  );
}
