/**
 * @module gubbins/models
 * What an owner looks like outside the database, shared by the REST routes and the MCP tools so
 * that both answer the same shape: the table's column names (as DiracX returns rows), the time
 * as an ISO 8601 string. Also the input rules for a name and an id.
 */
import { z } from '@hono/zod-openapi';
import type { GubbinsOwnerRow } from './schema.ts';

/** An owner's name: what `GubbinsOwners.Name` holds. */
export const OwnerName = z
  .string()
  .min(1)
  .max(255)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refuses NUL (PostgreSQL text cannot hold it)
  .regex(/^[^\u0000]*$/, 'Input should not contain NUL characters');
/** An owner id (`OwnerID` is a PostgreSQL integer). */
export const OwnerId = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);

export const GubbinsOwner = z
  .object({
    OwnerID: z.number().int(),
    VO: z.string(),
    Name: z.string(),
    CreatedBy: z.string().describe('Preferred username of whoever added the owner.'),
    CreationTime: z.string().describe('ISO 8601, UTC.'),
  })
  .openapi('GubbinsOwner');
export type GubbinsOwner = z.infer<typeof GubbinsOwner>;

/** The wire form of a row. */
export function toWire(row: GubbinsOwnerRow): GubbinsOwner {
  return {
    OwnerID: row.ownerId,
    VO: row.vo,
    Name: row.name,
    CreatedBy: row.createdBy,
    CreationTime: row.creationTime.toISOString(),
  };
}
