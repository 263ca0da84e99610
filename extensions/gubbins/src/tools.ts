/**
 * @module gubbins/tools
 * The MCP tools of gubbins, the same operations as its REST routes: `list_gubbins_owners`,
 * `add_gubbins_owner` and `remove_gubbins_owner`. Each declares the gubbins policy, checks it
 * through `ctx.access` (so a refusal is a FORBIDDEN tool error, as REST answers 403), calls the
 * same logic as the route, and returns a structured `{success: true, ...}` result like the
 * core tools. The caller's VO is the only one they ever touch. Removing an owner is destructive:
 * it goes through the core's confirmation step like kill_jobs (needed only when
 * `DIRACX_MCP_CONFIRM_THRESHOLD` is 0, since it touches one owner), bound to the owner as stored.
 */
import { z } from 'zod';
import {
  confirmAboveThreshold,
  ConfirmationPreviewFields,
  ConfirmationTokenArgument,
  defineTool,
  previewNote,
  READ_ONLY,
  type ToolAnnotations,
  type ToolDef,
} from '@diracx-ts/sdk';
import { addOwner, listOwners, removeOwner } from './logic.ts';
import { GubbinsOwner, OwnerId, OwnerName, toWire } from './models.ts';
import { gubbinsPolicy } from './policy.ts';

const GUBBINS = { kind: 'policy', policy: gubbinsPolicy } as const;
/** The gubbins table is this server's own data: nothing outside it is touched (openWorldHint false). */
const LOCAL_READ: ToolAnnotations = { ...READ_ONLY, openWorldHint: false };
const ADDS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
const REMOVES: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: false,
};

export const listGubbinsOwnersTool = defineTool({
  name: 'list_gubbins_owners',
  title: 'List gubbins owners',
  description:
    'The gubbins owners of your VO (id, name, who added them and when), oldest first. Example: list_gubbins_owners()',
  input: z.object({}),
  output: z.object({ success: z.literal(true), owners: z.array(GubbinsOwner) }),
  annotations: LOCAL_READ,
  access: GUBBINS,
  async run(ctx) {
    await ctx.access.check(gubbinsPolicy, { action: 'read' });
    const rows = await listOwners(ctx.database.session, ctx.user.vo);
    return { success: true as const, owners: rows.map(toWire) };
  },
});

export const addGubbinsOwnerTool = defineTool({
  name: 'add_gubbins_owner',
  title: 'Add a gubbins owner',
  description:
    'Add a gubbins owner to your VO, recorded as added by you. Names are unique within a VO: an existing name is ' +
    'refused (CONFLICT). Example: add_gubbins_owner(name="Alice")',
  input: z.object({ name: OwnerName.describe('The name of the new owner.') }),
  output: z.object({ success: z.literal(true), owner: GubbinsOwner }),
  annotations: ADDS,
  access: GUBBINS,
  async run(ctx, args) {
    await ctx.access.check(gubbinsPolicy, { action: 'create' });
    const row = await addOwner(ctx.database.session, {
      vo: ctx.user.vo,
      name: args.name,
      createdBy: ctx.user.preferredUsername,
    });
    return { success: true as const, owner: toWire(row) };
  },
});

export const removeGubbinsOwnerTool = defineTool({
  name: 'remove_gubbins_owner',
  title: 'Remove a gubbins owner',
  description:
    'Remove a gubbins owner of your VO by id (see list_gubbins_owners) and return what was removed. Needs the ' +
    'GubbinsSensei property. Example: remove_gubbins_owner(owner_id=3)',
  input: z.object({
    owner_id: OwnerId.describe('The owner id (OwnerID).'),
    confirmation_token: ConfirmationTokenArgument,
  }),
  output: z.object({
    success: z.literal(true),
    removed: GubbinsOwner.optional(),
    note: z.string().optional(),
    ...ConfirmationPreviewFields,
  }),
  annotations: REMOVES,
  access: GUBBINS,
  async run(ctx, args) {
    await ctx.access.check(gubbinsPolicy, { action: 'manage' });
    const stored = (await listOwners(ctx.database.session, ctx.user.vo)).find((o) => o.ownerId === args.owner_id);
    const question = {
      message: `Remove the gubbins owner ${args.owner_id}${stored ? ` (${stored.name})` : ''}?`,
      state: stored ? toWire(stored) : null,
    };
    const preview = await confirmAboveThreshold(
      ctx,
      1,
      question,
      `The user declined to remove gubbins owner ${args.owner_id}: nothing was changed.`,
    );
    if (preview)
      return { success: true as const, note: previewNote(1, ctx.confirmThreshold, preview, 'owners'), ...preview };
    const row = await removeOwner(ctx.database.session, ctx.user.vo, args.owner_id);
    return { success: true as const, removed: toWire(row) };
  },
});

/** The gubbins tools, in the order clients list them (after the core ones). */
export const tools: readonly ToolDef[] = [listGubbinsOwnersTool, addGubbinsOwnerTool, removeGubbinsOwnerTool];
