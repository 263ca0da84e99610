/**
 * @module process/token-cli
 * `bun run token -- --vo <vo> --group <group> --user <preferred_username> [--audience <url>]
 * [--lifetime <seconds>] [--property <p> ...]`: mints an access token with the configured keys
 * for a user of the configuration, for administrators and scripted checks. It refuses a VO,
 * group or user the configuration does not have (or a user outside the group, or properties
 * beyond what the user's groups grant), and prints only the token on stdout.
 */
import { parseArgs } from 'node:util';
import { openConfigurationSource } from './config-source.ts';
import { EXTENSIONS } from '../../extensions/manifest.gen.ts';
import { subFromPreferredUsername } from '../config/schema.ts';
import { IN_MEMORY } from '../db/open.ts';
import { composeExtensions } from '../extensions/compose.ts';
import { checkUserMayUseScope, parseAndValidateScope } from '../logic/auth/tokens/scope.ts';
import { issueAccessToken } from '../logic/auth/tokens/tokens.ts';
import { describeError } from '../core/logger.ts';
import { parseSettings } from '../settings.ts';
import { defaultIssuer } from './auth-setup.ts';
import { keystorePath, keystoreFromText } from './keystore-source.ts';

async function main(): Promise<string> {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      vo: { type: 'string' },
      group: { type: 'string' },
      user: { type: 'string' },
      audience: { type: 'string' },
      lifetime: { type: 'string' },
      property: { type: 'string', multiple: true },
    },
  });
  const { vo, group, user } = values;
  if (!vo || !group || !user)
    throw new Error(
      'usage: bun run token -- --vo VO --group GROUP --user ' +
        'NAME [--audience URL] [--lifetime SECONDS] [--property P]...',
    );
  const settings = parseSettings(Bun.env);
  const lifetime =
    values.lifetime === undefined
      ? settings.DIRACX_SERVICE_AUTH_ACCESS_TOKEN_EXPIRE_MINUTES * 60
      : Number(values.lifetime);
  if (!Number.isInteger(lifetime) || lifetime <= 0) throw new Error('--lifetime must be a positive number of seconds');

  // The build's extensions: their configuration fields and security properties count here too.
  const extensions = composeExtensions(EXTENSIONS);
  const configSource = await openConfigurationSource(settings, extensions.configSchema);
  await configSource.close();
  const { config } = configSource.initial;
  const scope = [`vo:${vo}`, `group:${group}`, ...(values.property ?? []).map((p) => `property:${p}`)].join(' ');
  const parsed = parseAndValidateScope(scope, config, extensions.properties);
  const registry = config.Registry[vo];
  const idpSub = registry ? subFromPreferredUsername(registry, user) : undefined;
  if (!idpSub) throw new Error(`${user} is not a user of VO ${vo}`);
  checkUserMayUseScope(config, parsed, idpSub);

  const path = keystorePath(
    settings.DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE,
    settings.DIRACX_DATA_DIR,
    settings.DIRACX_DATA_DIR === IN_MEMORY,
  );
  const keystoreText = path
    ? await Bun.file(path)
        .text()
        .catch(() => undefined)
    : settings.DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE;
  if (keystoreText === undefined)
    throw new Error(
      `no keystore at ${path ?? 'DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE'} ` +
        `(start the server once, or: bun run keys generate)`,
    );
  const keystore = keystoreFromText(keystoreText, path ?? 'DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE');
  const { token } = await issueAccessToken(
    keystore,
    settings.DIRACX_SERVICE_AUTH_TOKEN_ISSUER ?? defaultIssuer(settings),
    {
      vo,
      group: parsed.group,
      properties: parsed.properties,
      idpSub,
      preferredUsername: user,
      lifetimeSeconds: lifetime,
      audience: values.audience,
    },
    new Date(),
  );
  return token;
}

try {
  console.log(await main());
} catch (err) {
  console.error(`token: ${describeError(err)}`);
  process.exit(1);
}
