/**
 * @module logic/auth/grants/client-credentials
 * `grant_type=client_credentials` (RFC 6749 §4.4) for service clients (agents without a person),
 * our addition beside DiracX's grants. The client authenticates with its secret in the form
 * (`client_secret_post`) or in HTTP Basic (`client_secret_basic`, RFC 6749 §2.3.1), or with a
 * `private_key_jwt` assertion (RFC 7523). See `../clients/client-credentials.ts` for the rules.
 */
import { z } from 'zod';
import { OAuthError } from '../../../core/errors.ts';
import { grantClientCredentials } from '../clients/client-credentials.ts';
import { defineGrant } from './define.ts';

/** `client_id` and `client_secret` from an HTTP Basic header, form-urlencoded as RFC 6749 says. */
function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match?.[1]) return undefined;
  let decoded: string;
  try {
    decoded = atob(match[1]);
  } catch {
    throw new OAuthError('UNAUTHENTICATED', 'invalid_client', 'Malformed Basic credentials');
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('UNAUTHENTICATED', 'invalid_client', 'Malformed Basic credentials');
  const decodeForm = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
  return { clientId: decodeForm(decoded.slice(0, colon)), clientSecret: decodeForm(decoded.slice(colon + 1)) };
}

export const clientCredentialsGrant = defineGrant({
  grantType: 'client_credentials',
  fields: {
    client_id: z.string().optional(),
    client_secret: z.string().optional(),
    client_assertion_type: z.string().optional(),
    client_assertion: z.string().optional(),
    scope: z.string().optional(),
  },
  async issue(ctx, form, request) {
    const basic = basicCredentials(request.authorization);
    if (
      basic &&
      (form.client_secret !== undefined || (form.client_id !== undefined && form.client_id !== basic.clientId))
    ) {
      throw new OAuthError('INVALID_INPUT', 'invalid_request', 'Use one client authentication method');
    }
    return grantClientCredentials(
      {
        config: ctx.config,
        keystore: ctx.keyRing.keystore(),
        issuer: ctx.issuer,
        database: ctx.database,
        now: ctx.now(),
      },
      {
        clientId: basic?.clientId ?? form.client_id,
        clientSecret: basic?.clientSecret ?? form.client_secret,
        clientAssertionType: form.client_assertion_type,
        clientAssertion: form.client_assertion,
        scope: form.scope,
        audience: request.resource,
      },
    );
  },
});
