/**
 * @module logic/auth/cleanup
 * The AuthDB clean-up (DiracX's `cleanup_expired_data`): device and authorization flows older
 * than the completed-flow retention are deleted, and so are refresh tokens past their `exp`
 * (DiracX drops monthly partitions after a retention period instead; an expired refresh token
 * is refused on its own `exp`, so its row has no use left), and so are the ids of expired client
 * assertions (an expired assertion is refused on its own `exp`) and dynamically registered
 * clients whose registration expired unused. Meant to run periodically.
 */
import type { Database } from '../../db/database.ts';
import { deleteExpiredFlows, deleteExpiredRefreshTokens } from '../../db/auth.ts';
import { deleteExpiredClientAssertions } from '../../db/client-assertions.ts';
import { deleteExpiredOAuthClients } from '../../db/oauth-clients.ts';
import type { Logger } from '../../core/logger.ts';
import { newUuid7 } from './uuid7.ts';

export interface CleanupContext {
  database: Database;
  settings: { completedFlowRetentionMinutes: number };
  now: () => Date;
  log: Logger;
}

/**
 * How long a refresh token row without `ExpiresAt` (one a DiracX server sharing the AuthDB wrote)
 * is kept: DiracX's `refresh_token_retention_months` default, 6 months, after which DiracX drops
 * its monthly partition.
 */
export const UNDATED_REFRESH_TOKEN_RETENTION_DAYS = 183;

/** The smallest uuid7 of the oldest creation time an undated refresh token row is kept for. */
function undatedRefreshTokensBefore(now: Date): string {
  const oldest = new Date(now.getTime() - UNDATED_REFRESH_TOKEN_RETENTION_DAYS * 86_400_000);
  return newUuid7(oldest, (n) => new Uint8Array(n));
}

export interface CleanupResult {
  deviceFlows: number;
  authorizationFlows: number;
  refreshTokens: number;
  clientAssertions: number;
  registeredClients: number;
}

/** Deletes expired flows, refresh tokens, assertion ids and client registrations; returns how many of each. */
export async function cleanupExpiredAuthData(ctx: CleanupContext): Promise<CleanupResult> {
  const now = ctx.now();
  const flowsBefore = new Date(now.getTime() - ctx.settings.completedFlowRetentionMinutes * 60_000);
  const result = await ctx.database.transaction(async (tx) => {
    const flows = await deleteExpiredFlows(tx, flowsBefore);
    const refreshTokens = await deleteExpiredRefreshTokens(tx, now, undatedRefreshTokensBefore(now));
    const clientAssertions = await deleteExpiredClientAssertions(tx, now);
    const registeredClients = await deleteExpiredOAuthClients(tx, now);
    return { ...flows, refreshTokens, clientAssertions, registeredClients };
  });
  ctx.log.info('auth database cleaned up', { ...result });
  return result;
}
