/**
 * @module core/user
 * The verified caller every logic function and policy receives, built from a DiracX access
 * token's claims (`diracx-routers/.../utils/users.py: AuthorizedUserInfo`). No raw token.
 */

export interface AuthedUser {
  /** `<vo>:<identity provider sub>`, as DiracX writes it. */
  readonly sub: string;
  readonly preferredUsername: string;
  readonly vo: string;
  readonly diracGroup: string;
  /** DIRAC security properties granted by the token (`dirac_properties`). */
  readonly properties: readonly string[];
  /** The access token's `jti`. */
  readonly tokenId: string;
  /** Policy-specific claims (`dirac_policies`), keyed by policy name. */
  readonly policies: Readonly<Record<string, unknown>>;
  /** Expiry of the token, seconds since the epoch. */
  readonly expiresAt: number;
  /** The OAuth client the token was issued to, when known (client credentials, MCP clients). */
  readonly clientId?: string | undefined;
  /** The resources the token was issued for (`aud`); empty for DiracX's own tokens, which have none. */
  readonly audience?: readonly string[];
}

/** True when the user holds `property`. */
export function hasProperty(user: AuthedUser, property: string): boolean {
  return user.properties.includes(property);
}
