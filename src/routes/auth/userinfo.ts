/**
 * @module routes/auth/userinfo
 * `GET /api/auth/userinfo` as DiracX serves it: who the bearer of the token is.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';

const UserInfoSchema = z
  .object({
    sub: z.string(),
    vo: z.string(),
    dirac_group: z.string(),
    policies: z.record(z.string(), z.unknown()),
    properties: z.array(z.string()),
    preferred_username: z.string(),
  })
  .openapi('UserInfoResponse');

export function registerUserinfoRoute(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const route = defineRoute(
    catalogue,
    deps,
    { kind: 'open' },
    {
      method: 'get',
      path: '/api/auth/userinfo',
      operationId: 'auth_userinfo',
      tags: ['auth'],
      summary: 'Get information about the caller',
      responses: { 200: { description: 'The caller', content: { 'application/json': { schema: UserInfoSchema } } } },
    },
  );
  app.openapi(route, (c) => {
    const user = c.get('user');
    return c.json(
      {
        sub: user.sub,
        vo: user.vo,
        dirac_group: user.diracGroup,
        policies: { ...user.policies },
        properties: [...user.properties],
        preferred_username: user.preferredUsername,
      },
      200,
    );
  });
}
