/**
 * @module gubbins/routes
 * The REST routes of gubbins, under `/api/gubbins/` (DiracX gubbins' `lollygag` router):
 * - `GET /api/gubbins/owners`: the owners of the caller's VO (policy `read`);
 * - `POST /api/gubbins/owners` `{name}`: adds one, 201 with it, 409 if the name is taken (`create`);
 * - `DELETE /api/gubbins/owners/{owner_id}`: removes one, 204, 404 if the VO has none such (`manage`);
 * - `GET /api/gubbins/info`: the caller's `GubbinsSpecificInfo` from the configuration (any valid
 *   token, no policy: DiracX's `@open_access`).
 * Each route is declared with `router.define` (its access is enforced by the core) and every
 * policy route calls the gubbins policy before the logic runs, as core routes do.
 */
import { z } from '@hono/zod-openapi';
import type { ExtensionRouter } from '@diracx-ts/sdk';
import { gubbinsInfoOf } from './config.ts';
import { addOwner, listOwners, removeOwner } from './logic.ts';
import { GubbinsOwner, OwnerId, OwnerName, toWire } from './models.ts';
import { gubbinsPolicy } from './policy.ts';

const TAGS = ['gubbins'];
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const OwnerIdParams = z.object({
  owner_id: z.coerce
    .number()
    .pipe(OwnerId)
    .openapi({ type: 'integer', param: { required: true } }),
});
const NewOwnerBody = z.object({ name: OwnerName.describe('The name of the new owner, unique within the VO.') });
const GubbinsInfo = z
  .object({
    vo: z.string(),
    preferred_username: z.string(),
    gubbins_specific_info: z
      .string()
      .nullable()
      .describe("The caller's GubbinsSpecificInfo in the configuration, null when unset."),
  })
  .openapi('GubbinsInfo');

/** Registers the gubbins routes (operationIds `gubbins_<what they do>`). */
export function registerGubbinsRoutes(router: ExtensionRouter): void {
  const { app, deps } = router;
  const access = { kind: 'policy', policy: gubbinsPolicy } as const;

  const list = router.define(access, {
    method: 'get',
    path: '/api/gubbins/owners',
    operationId: 'gubbins_list_owners',
    tags: TAGS,
    summary: 'List Owners',
    description: "The owners of the caller's VO, oldest first. Needs NormalUser or JobAdministrator.",
    responses: { 200: { description: 'The owners', ...json(z.array(GubbinsOwner)) } },
  });
  app.openapi(list, async (c) => {
    await c.get('access').check(gubbinsPolicy, { action: 'read' });
    const rows = await listOwners(deps.database.session, c.get('user').vo);
    return c.json(rows.map(toWire), 200);
  });

  const add = router.define(access, {
    method: 'post',
    path: '/api/gubbins/owners',
    operationId: 'gubbins_add_owner',
    tags: TAGS,
    summary: 'Add Owner',
    description: "Add an owner to the caller's VO, recorded as created by the caller. Needs NormalUser.",
    request: { body: { ...json(NewOwnerBody), required: true } },
    responses: {
      201: { description: 'The new owner', ...json(GubbinsOwner) },
      409: { description: 'The VO already has an owner of that name' },
    },
  });
  app.openapi(add, async (c) => {
    await c.get('access').check(gubbinsPolicy, { action: 'create' });
    const user = c.get('user');
    const row = await addOwner(deps.database.session, {
      vo: user.vo,
      name: c.req.valid('json').name,
      createdBy: user.preferredUsername,
    });
    return c.json(toWire(row), 201);
  });

  const remove = router.define(access, {
    method: 'delete',
    path: '/api/gubbins/owners/{owner_id}',
    operationId: 'gubbins_remove_owner',
    tags: TAGS,
    summary: 'Remove Owner',
    description: "Remove an owner of the caller's VO. Needs GubbinsSensei.",
    request: { params: OwnerIdParams },
    responses: {
      204: { description: 'Removed' },
      404: { description: "The caller's VO has no owner with this id" },
    },
  });
  app.openapi(remove, async (c) => {
    await c.get('access').check(gubbinsPolicy, { action: 'manage' });
    await removeOwner(deps.database.session, c.get('user').vo, c.req.valid('param').owner_id);
    return c.body(null, 204);
  });

  const info = router.define(
    { kind: 'open' },
    {
      method: 'get',
      path: '/api/gubbins/info',
      operationId: 'gubbins_get_info',
      tags: TAGS,
      summary: 'Get Info',
      description:
        "The caller's VO, preferred username and GubbinsSpecificInfo " +
        "(a field gubbins adds to the configuration's users). Any valid token.",
      responses: { 200: { description: "The caller's gubbins information", ...json(GubbinsInfo) } },
    },
  );
  app.openapi(info, (c) => {
    const user = c.get('user');
    const config = deps.config.current().config;
    return c.json(
      {
        vo: user.vo,
        preferred_username: user.preferredUsername,
        gubbins_specific_info: gubbinsInfoOf(config, user.vo, user.sub),
      },
      200,
    );
  });
}
