/**
 * @module routes/oauth-metadata
 * What MCP clients need to log in by themselves (our addition beside DiracX's discovery):
 * the protected-resource metadata of `/mcp` (RFC 9728, at the path-inserted
 * `/.well-known/oauth-protected-resource/mcp` and the root form) naming us as its authorization
 * server, and our authorization-server metadata (RFC 8414) with the token endpoint, grants and
 * client authentication methods (`none` for public clients, `client_credentials` with a secret
 * or `private_key_jwt`), and how a public client makes itself known: dynamic registration
 * (RFC 7591, `registration_endpoint`) or a client ID metadata document (an https URL as its
 * `client_id`, `client_id_metadata_document_supported`). Every URL is configured (the issuer,
 * the /mcp resource URL) or the public URL a trusted proxy gives; never a direct caller's Host.
 * No `scopes_supported`: clients that request every advertised scope would ask for properties
 * beyond their group and be refused; a token's properties come from its group.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { discoveryEndpoints } from '../logic/auth/discovery.ts';
import { defineRoute, type RouteCatalogue } from './access.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';
import { trustedBaseUrl } from './forwarded.ts';

const json = z.record(z.string(), z.unknown());

export function registerOAuthMetadataRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const resourceUrl = deps.mcpResourceUrl;
  if (resourceUrl) {
    const path = new URL(resourceUrl).pathname;
    const document = (): Record<string, unknown> => ({
      resource: resourceUrl,
      authorization_servers: [deps.auth.issuer],
      bearer_methods_supported: ['header'],
      resource_name: 'DiracX MCP server',
    });
    for (const [suffix, name] of [
      [path, 'get_mcp_protected_resource_metadata'],
      ['', 'get_protected_resource_metadata'],
    ] as const) {
      const route = defineRoute(
        catalogue,
        deps,
        { kind: 'public' },
        {
          method: 'get',
          path: `/.well-known/oauth-protected-resource${suffix}`,
          operationId: `.well-known_${name}`,
          tags: ['.well-known'],
          summary: 'OAuth protected-resource metadata of the MCP endpoint (RFC 9728)',
          responses: { 200: { description: 'Metadata', content: { 'application/json': { schema: json } } } },
        },
      );
      app.openapi(route, (c) => c.json(document(), 200));
    }
  }

  const route = defineRoute(
    catalogue,
    deps,
    { kind: 'public' },
    {
      method: 'get',
      path: '/.well-known/oauth-authorization-server',
      operationId: '.well-known_get_authorization_server_metadata',
      tags: ['.well-known'],
      summary: 'OAuth authorization-server metadata (RFC 8414)',
      responses: { 200: { description: 'Metadata', content: { 'application/json': { schema: json } } } },
    },
  );
  app.openapi(route, (c) => {
    // The public URL a trusted proxy gives (prefix included), else the configured issuer.
    const endpoints = discoveryEndpoints(trustedBaseUrl(c, deps.auth.issuer));
    return c.json(
      {
        issuer: deps.auth.issuer,
        token_endpoint: endpoints.token,
        authorization_endpoint: endpoints.authorization,
        device_authorization_endpoint: endpoints.deviceAuthorization,
        revocation_endpoint: endpoints.revocation,
        registration_endpoint: endpoints.registration,
        jwks_uri: endpoints.jwks,
        grant_types_supported: [
          'authorization_code',
          'urn:ietf:params:oauth:grant-type:device_code',
          'refresh_token',
          'client_credentials',
          'urn:ietf:params:oauth:grant-type:token-exchange',
        ],
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'],
        client_id_metadata_document_supported: true,
      },
      200,
    );
  });
}
