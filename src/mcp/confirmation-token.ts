/**
 * @module mcp/confirmation-token
 * The signed, short-lived proof that a destructive tool call was confirmed for exactly what it
 * will do, stateless so that any process can check what another issued:
 *
 *     c1.<kind>.<exp>.<nonce>.<mac>
 *     mac = HMAC-SHA-256(key, "diracx-mcp-confirm-v1" \n kind \n exp \n nonce \n binding)
 *     binding = JSON [sub, vo, client id, tool, digest of the arguments, digest of the state]
 *
 * `kind` separates the two uses: `q` rides in the `requestState` of an `input_required`
 * question (2026-07-28) and is accepted only beside the person's answer; `p` is handed to a
 * client that cannot ask (the two-step protocol) and is accepted only as the
 * `confirmation_token` argument. Neither can stand in for the other, so a client that saw the
 * question cannot skip the person by replaying its state as an argument. The binding is not
 * carried: the verifier recomputes it from the call in hand, so a token for another caller,
 * tool, arguments or state of the jobs fails the MAC without saying which. The key is derived
 * (HMAC as a PRF) from the server's consent-form key, itself derived from
 * `DIRACX_SERVICE_AUTH_STATE_KEY`, so every process sharing that setting accepts the tokens of
 * the others. Signed and checked by `logic/auth/signed-token`. Web Crypto only; no MCP types.
 */
import { encodeBase64Url } from '../logic/auth/encoding.ts';
import { EXPIRY_SOURCE, expiryAfter, MAC_SOURCE, signFields, verifySigned } from '../logic/auth/signed-token.ts';
import { sha256HexSync } from '../logic/sha256.ts';

/** How long a confirmation stays valid. */
export const CONFIRMATION_TTL_SECONDS = 300;

/** `q`: the server's question (requestState); `p`: the two-step preview's token. */
export type ConfirmationKind = 'q' | 'p';

/** Who confirms what: the caller, the tool and what the call would do. */
export interface ConfirmationBinding {
  readonly sub: string;
  readonly vo: string;
  readonly clientId: string;
  readonly tool: string;
  /** Canonical JSON digest of the arguments, confirmation fields left out. */
  readonly argumentsDigest: string;
  /** Canonical JSON digest of the state of what the call would change. */
  readonly stateDigest: string;
}

/** A token as read back (its MAC checked against a binding). */
export type TokenCheck =
  | { readonly ok: true; readonly nonce: string; readonly expiresAtMs: number }
  | { readonly ok: false; readonly reason: 'malformed' | 'mismatch' | 'expired' };

const DOMAIN = 'diracx-mcp-confirm-v1';
const KEY_INFO = new TextEncoder().encode('diracx mcp confirmation key v1');
const TOKEN_PATTERN = new RegExp(`^c1\\.([qp])\\.(${EXPIRY_SOURCE})\\.([A-Za-z0-9_-]{22})\\.(${MAC_SOURCE})$`);

/**
 * JSON with object keys sorted at every level (arrays keep their order), so the same value
 * always gives the same text; `undefined` members are dropped as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Hex SHA-256 of the canonical JSON of `value`. */
export const canonicalDigest = (value: unknown): string => sha256HexSync(canonicalJson(value));

/**
 * The confirmation key: HMAC-SHA-256 of a fixed label under `secret` (an HMAC key such as the
 * consent-form key), imported as an HMAC key of its own, so no message of another use of
 * `secret` can ever be a valid confirmation.
 */
export async function deriveConfirmationKey(secret: CryptoKey): Promise<CryptoKey> {
  const raw = await crypto.subtle.sign('HMAC', secret, KEY_INFO);
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** A random confirmation key (when the process has none to derive from: tests, tools). */
export function randomConfirmationKey(): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    crypto.getRandomValues(new Uint8Array(32)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
}

/** The signed fields: the token's kind, expiry and nonce, then the binding it does not carry. */
const signedFields = (kind: ConfirmationKind, exp: string, nonce: string, binding: ConfirmationBinding): string[] => [
  kind,
  exp,
  nonce,
  JSON.stringify([
    binding.sub,
    binding.vo,
    binding.clientId,
    binding.tool,
    binding.argumentsDigest,
    binding.stateDigest,
  ]),
];

/** Issues a token of `kind` for `binding`, valid `CONFIRMATION_TTL_SECONDS` from `now`. */
export async function mintConfirmation(
  key: CryptoKey,
  kind: ConfirmationKind,
  binding: ConfirmationBinding,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const exp = expiryAfter(now, CONFIRMATION_TTL_SECONDS);
  const nonce = encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  const mac = await signFields(key, DOMAIN, signedFields(kind, exp, nonce, binding));
  return { token: `c1.${kind}.${exp}.${nonce}.${mac}`, expiresAt: new Date(Number(exp) * 1000) };
}

/**
 * Checks that `token` is a token of `kind` issued for exactly `binding` and not expired at
 * `now`. The MAC is checked first (constant time, Web Crypto's verify), so whether a token is
 * expired is only said of a token that was genuinely issued for this call.
 */
export async function checkConfirmation(
  key: CryptoKey,
  token: string,
  kind: ConfirmationKind,
  binding: ConfirmationBinding,
  now: Date,
): Promise<TokenCheck> {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, tokenKind, exp, nonce, mac] = match as unknown as [string, ConfirmationKind, string, string, string];
  const check = await verifySigned(key, mac, DOMAIN, signedFields(kind, exp, nonce, binding), exp, now);
  if (check === 'malformed') return { ok: false, reason: 'malformed' };
  if (tokenKind !== kind || check === 'mismatch') return { ok: false, reason: 'mismatch' };
  if (check === 'expired') return { ok: false, reason: 'expired' };
  return { ok: true, nonce, expiresAtMs: Number(exp) * 1000 };
}

/**
 * Nonces of the confirmations already used, until they expire: a confirmation runs its call at
 * most once in this process even when two copies of the call arrive at the same moment, before
 * either has changed the state the token is bound to. Across processes the state binding is
 * what makes a confirmation single-use (see `mcp/confirm`). Bounded: expired nonces are
 * dropped, and at most `max` are kept (the oldest go first; they are the nearest to expiry).
 */
export class UsedConfirmations {
  readonly #used = new Map<string, number>();

  constructor(readonly max = 100_000) {}

  /** Marks `nonce` used; false when it already was (and has not expired). */
  claim(nonce: string, expiresAtMs: number, nowMs: number): boolean {
    for (const [n, exp] of this.#used) {
      if (exp > nowMs) break;
      this.#used.delete(n);
    }
    if (this.#used.has(nonce)) return false;
    this.#used.set(nonce, expiresAtMs);
    for (const oldest of this.#used.keys()) {
      if (this.#used.size <= this.max) break;
      this.#used.delete(oldest);
    }
    return true;
  }
}
