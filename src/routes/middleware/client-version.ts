/**
 * @module routes/middleware/client-version
 * DiracX's `DiracX-Client-Version` check (`ClientMinVersionCheckMiddleware`): an absent header
 * passes (browsers, Swagger); an unparsable one or one older than the minimum gets 400 with
 * DiracX's exact messages.
 */
import type { MiddlewareHandler } from 'hono';
import { compareVersions, parseVersion } from '../../logic/pep440.ts';
import { detailResponse } from '../../wire/http-errors.ts';

export const CLIENT_VERSION_HEADER = 'DiracX-Client-Version';

export function clientVersionCheck(minVersion: string): MiddlewareHandler {
  const min = parseVersion(minVersion);
  if (!min) throw new TypeError(`clientVersionCheck: ${minVersion} is not a PEP 440 version`);
  return async (c, next) => {
    const given = c.req.header(CLIENT_VERSION_HEADER);
    if (given) {
      const version = parseVersion(given);
      if (!version) return detailResponse(400, `Invalid version string: '${given}'`);
      if (compareVersions(version, min) < 0) {
        return detailResponse(
          400,
          `Client version ${given} is not compatible with the server. Upgrade to a version >= ${minVersion}.`,
        );
      }
    }
    await next();
  };
}
