/**
 * @module routes/well-known
 * DiracX's `/.well-known` routes (`routers/auth/well_known.py`), public: the OpenID
 * configuration (endpoint URLs under the public URL a trusted proxy gives, as FastAPI's
 * `url_for` does behind a proxy, otherwise under the configured issuer: never the Host header
 * of a direct caller, who could otherwise get a poisoned document cached for everyone),
 * the JWKS of the keys that verify our tokens, the installation metadata, and security.txt.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { SECURITY_PROPERTIES } from '../config/properties.ts';
import { discoveryEndpoints, installationMetadata, openIdConfiguration } from '../logic/auth/discovery.ts';
import { defineRoute, type RouteCatalogue } from './access.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';
import { trustedBaseUrl } from './forwarded.ts';

const json = (description: string) => ({
  200: { description, content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
});

const SECURITY_TXT = `Contact: https://github.com/DIRACGrid/diracx/security/advisories/new
Expires: 2027-07-02T23:59:59.000Z
Preferred-Languages: en
`;

export function registerWellKnownRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const route = (path: string, name: string, description: string) =>
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'get',
        path,
        operationId: `well-known_${name}`,
        tags: ['well-known'],
        summary: description,
        responses: json(description),
      },
    );

  app.openapi(
    route('/.well-known/openid-configuration', 'get_openid_configuration', 'OpenID Connect discovery'),
    (c) => {
      const document = openIdConfiguration(
        deps.config.current().config,
        deps.auth.issuer,
        discoveryEndpoints(trustedBaseUrl(c, deps.auth.issuer)),
        deps.auth.algorithms,
        deps.properties ? [...deps.properties] : SECURITY_PROPERTIES,
      );
      return c.json(document as unknown as Record<string, unknown>, 200);
    },
  );

  app.openapi(route('/.well-known/jwks.json', 'get_jwks', 'The public keys that verify our tokens'), async (c) =>
    c.json((await deps.auth.keyRing.publishedJwks()) as unknown as Record<string, unknown>, 200, {
      // Short cache: verifiers pick up a staged key quickly (jose refetches on unknown kid anyway).
      'cache-control': 'public, max-age=60',
    }),
  );

  app.openapi(route('/.well-known/dirac-metadata', 'get_installation_metadata', 'Installation metadata'), (c) =>
    c.json(installationMetadata(deps.config.current().config) as unknown as Record<string, unknown>, 200),
  );

  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'get',
        path: '/.well-known/security.txt',
        operationId: 'well-known_get_security_txt',
        tags: ['well-known'],
        summary: 'security.txt',
        responses: { 200: { description: 'security.txt', content: { 'application/json': { schema: z.string() } } } },
      },
    ),
    // DiracX returns the text as a JSON string.
    (c) => c.json(SECURITY_TXT, 200),
  );
}
