/**
 * @module gubbins/config
 * What gubbins adds to the configuration: `GubbinsSpecificInfo` on every user
 * (`Registry.<vo>.Users.<sub>`), as DiracX's gubbins does. The server validates the whole
 * document with these fields merged in (a wrong type is refused at load), but the core's
 * `Config` type does not know them, so gubbins reads its field back with its own schema.
 */
import { z } from 'zod';
import type { Config } from '@diracx-ts/sdk';

/** Free text about the user, for gubbins; `null` when not set. */
const GubbinsSpecificInfo = z.string().nullable().default(null);

/** The fields gubbins adds to each user of the configuration. */
export const userFields = { GubbinsSpecificInfo } satisfies z.ZodRawShape;

/** A user entry as gubbins reads it: its own fields, whatever else the entry holds. */
const GubbinsUserFields = z.object(userFields);

/**
 * The `GubbinsSpecificInfo` of user `sub` of `vo`: `sub` is the user's key in the configuration
 * (the identity provider's sub) or the token's `<vo>:<sub>`. `null` when the field is not set or
 * there is no such user.
 */
export function gubbinsInfoOf(config: Config, vo: string, sub: string): string | null {
  const users = config.Registry[vo]?.Users;
  const key = sub.startsWith(`${vo}:`) ? sub.slice(vo.length + 1) : sub;
  if (!users || !Object.hasOwn(users, key)) return null;
  return GubbinsUserFields.parse(users[key]).GubbinsSpecificInfo;
}
