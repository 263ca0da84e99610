/**
 * @module logic/auth/discovery
 * What DiracX publishes about itself (`diracx-logic/.../auth/well_known.py`): the OpenID
 * configuration (issuer, endpoints, scopes built from the Registry) and the installation
 * metadata (VOs, their groups' properties, support contacts, default group). Endpoint URLs
 * are built under a base URL the caller of these functions chooses: the configured issuer, or
 * the public URL a trusted proxy gives, never a Host header a client chose.
 */
import type { Config } from '../../config/schema.ts';

/** Where the token endpoint lives under our public base URL. */
export const TOKEN_ENDPOINT_PATH = '/api/auth/token';

/**
 * The absolute URL of `path` (`/api/auth/token`) under the public base URL `base` (the issuer:
 * `https://diracx.example.org`, or with a path prefix `https://example.org/diracx`).
 */
export function urlUnder(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** Our endpoints as absolute URLs under `base` (the issuer, or the public URL a trusted proxy gives). */
export function discoveryEndpoints(base: string): DiscoveryEndpoints {
  return {
    token: urlUnder(base, TOKEN_ENDPOINT_PATH),
    userinfo: urlUnder(base, '/api/auth/userinfo'),
    authorization: urlUnder(base, '/api/auth/authorize'),
    deviceAuthorization: urlUnder(base, '/api/auth/device'),
    revocation: urlUnder(base, '/api/auth/revoke'),
    jwks: urlUnder(base, '/.well-known/jwks.json'),
    registration: urlUnder(base, '/api/auth/register'),
  };
}

export interface DiscoveryEndpoints {
  token: string;
  userinfo: string;
  authorization: string;
  deviceAuthorization: string;
  revocation: string;
  jwks: string;
  /** Dynamic client registration (RFC 7591), for MCP hosts. */
  registration: string;
}

export interface OpenIdConfiguration {
  issuer: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  authorization_endpoint: string;
  device_authorization_endpoint: string;
  revocation_endpoint: string;
  jwks_uri: string;
  registration_endpoint: string;
  grant_types_supported: string[];
  scopes_supported: string[];
  response_types_supported: string[];
  token_endpoint_auth_signing_alg_values_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  code_challenge_methods_supported: string[];
  client_id_metadata_document_supported: boolean;
  authorization_response_iss_parameter_supported: boolean;
}

/** The discovery document; scopes are `vo:<vo>` then its `group:<g>`s, then every property. */
export function openIdConfiguration(
  config: Config,
  issuer: string,
  endpoints: DiscoveryEndpoints,
  algorithms: readonly string[],
  availableProperties: readonly string[],
): OpenIdConfiguration {
  const scopes: string[] = [];
  for (const [vo, registry] of Object.entries(config.Registry)) {
    scopes.push(`vo:${vo}`, ...Object.keys(registry.Groups).map((g) => `group:${g}`));
  }
  scopes.push(...availableProperties.map((p) => `property:${p}`));
  return {
    issuer,
    token_endpoint: endpoints.token,
    userinfo_endpoint: endpoints.userinfo,
    authorization_endpoint: endpoints.authorization,
    device_authorization_endpoint: endpoints.deviceAuthorization,
    revocation_endpoint: endpoints.revocation,
    jwks_uri: endpoints.jwks,
    registration_endpoint: endpoints.registration,
    // DiracX lists its two login grants; we also serve refresh, client credentials
    // and token exchange (agents).
    grant_types_supported: [
      'authorization_code',
      'urn:ietf:params:oauth:grant-type:device_code',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ],
    scopes_supported: scopes,
    response_types_supported: ['code'],
    token_endpoint_auth_signing_alg_values_supported: [...algorithms],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    code_challenge_methods_supported: ['S256'],
    // Ours, for MCP hosts: client ID metadata documents, and `iss` on authorization responses (RFC 9207).
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
}

export interface InstallationMetadata {
  virtual_organizations: Record<
    string,
    {
      groups: Record<string, { properties: string[] }>;
      support: { message: string; webpage: string | null; email: string | null };
      default_group: string;
    }
  >;
}

/** `/.well-known/dirac-metadata`: what a client needs to offer a VO and group choice. */
export function installationMetadata(config: Config): InstallationMetadata {
  const vos: InstallationMetadata['virtual_organizations'] = {};
  for (const [vo, registry] of Object.entries(config.Registry)) {
    const groups: Record<string, { properties: string[] }> = {};
    for (const [name, group] of Object.entries(registry.Groups))
      groups[name] = { properties: [...group.Properties].sort() };
    vos[vo] = {
      groups,
      support: { message: registry.Support.Message, webpage: registry.Support.Webpage, email: registry.Support.Email },
      default_group: registry.DefaultGroup,
    };
  }
  return { virtual_organizations: vos };
}
