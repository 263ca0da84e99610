/**
 * @module routes/well-known
 * DiracX's `/.well-known` routes (`routers/auth/well_known.py`), public: the OpenID
 * configuration (endpoint URLs under the public URL a trusted proxy gives, as FastAPI's
 * `url_for` does behind a proxy, otherwise under the configured issuer: never the Host header
 * of a direct caller, who could otherwise get a poisoned document cached for everyone),
 * the JWKS of the keys that verify our tokens, the installation metadata, and security.txt.
 * Tags and operation ids are DiracX's (`.well-known`, `.well-known_get_jwks`), and so are the
 * names of the documented models (`OpenIDConfiguration`, `Metadata`).
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { SECURITY_PROPERTIES } from '../config/properties.ts';
import { discoveryEndpoints, installationMetadata, openIdConfiguration } from '../logic/auth/discovery.ts';
import { defineRoute, type RouteCatalogue } from './access.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';
import { trustedBaseUrl } from './forwarded.ts';

const strings = z.array(z.string());
/** DiracX's `OpenIDConfiguration`, with the fields we add (registration, MCP hosts' needs). */
const OpenIdConfigurationSchema = z
  .object({
    issuer: z.string(),
    token_endpoint: z.string(),
    userinfo_endpoint: z.string(),
    authorization_endpoint: z.string(),
    device_authorization_endpoint: z.string(),
    revocation_endpoint: z.string(),
    jwks_uri: z.string(),
    registration_endpoint: z.string(),
    grant_types_supported: strings,
    scopes_supported: strings,
    response_types_supported: strings,
    token_endpoint_auth_signing_alg_values_supported: strings,
    token_endpoint_auth_methods_supported: strings,
    code_challenge_methods_supported: strings,
    client_id_metadata_document_supported: z.boolean(),
    authorization_response_iss_parameter_supported: z.boolean(),
  })
  .openapi('OpenIDConfiguration');

/** DiracX's `Metadata` (`/.well-known/dirac-metadata`) and the models it is made of. */
const InstallationMetadataSchema = z
  .object({
    virtual_organizations: z.record(
      z.string(),
      z
        .object({
          groups: z.record(z.string(), z.object({ properties: strings }).openapi('GroupInfo')),
          support: z
            .object({ message: z.string(), webpage: z.string().nullable(), email: z.string().nullable() })
            .openapi('SupportInfo'),
          default_group: z.string(),
        })
        .openapi('VOInfo'),
    ),
  })
  .openapi('Metadata');

const json = <T extends z.ZodType>(description: string, schema: T) =>
  ({ 200: { description, content: { 'application/json': { schema } } } }) as const;

const SECURITY_TXT = `Contact: https://github.com/DIRACGrid/diracx/security/advisories/new
Expires: 2027-07-02T23:59:59.000Z
Preferred-Languages: en
`;

export function registerWellKnownRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const route = <T extends z.ZodType>(path: string, name: string, description: string, schema: T) =>
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'get',
        path,
        operationId: `.well-known_${name}`,
        tags: ['.well-known'],
        summary: description,
        responses: json(description, schema),
      },
    );

  app.openapi(
    route(
      '/.well-known/openid-configuration',
      'get_openid_configuration',
      'OpenID Connect discovery',
      OpenIdConfigurationSchema,
    ),
    (c) => {
      const document = openIdConfiguration(
        deps.config.current().config,
        deps.auth.issuer,
        discoveryEndpoints(trustedBaseUrl(c, deps.auth.issuer)),
        deps.auth.algorithms,
        deps.properties ? [...deps.properties] : SECURITY_PROPERTIES,
      );
      return c.json(document, 200);
    },
  );

  const jwks = route(
    '/.well-known/jwks.json',
    'get_jwks',
    'The public keys that verify our tokens',
    z.record(z.string(), z.unknown()),
  );
  app.openapi(jwks, async (c) =>
    c.json((await deps.auth.keyRing.publishedJwks()) as unknown as Record<string, unknown>, 200, {
      // Short cache: verifiers pick up a staged key quickly (jose refetches on unknown kid anyway).
      'cache-control': 'public, max-age=60',
    }),
  );

  const metadata = route(
    '/.well-known/dirac-metadata',
    'get_installation_metadata',
    'Installation metadata',
    InstallationMetadataSchema,
  );
  app.openapi(metadata, (c) => c.json(installationMetadata(deps.config.current().config), 200));

  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'get',
        path: '/.well-known/security.txt',
        operationId: '.well-known_get_security_txt',
        tags: ['.well-known'],
        summary: 'security.txt',
        responses: { 200: { description: 'security.txt', content: { 'application/json': { schema: z.string() } } } },
      },
    ),
    // DiracX returns the text as a JSON string.
    (c) => c.json(SECURITY_TXT, 200),
  );
}
