/**
 * @module db/schema
 * Every table, gathered for drizzle's typed query API. Add new aggregates here.
 */
import { authorizationFlows, deviceFlows, refreshTokens } from './auth.ts';
import { clientAssertions } from './client-assertions.ts';
import { extensionMigrations } from './extensions.ts';
import { heartBeatLoggingInfo, inputData, jobCommands, jobJdls, jobs } from './jobs.ts';
import { loggingInfo } from './job-logging.ts';
import { jobParameters } from './job-parameters.ts';
import { oauthClients } from './oauth-clients.ts';
import { taskQueueJobs, taskQueues } from './task-queue.ts';
import { jobToPilotMapping, pilotAgents, pilotOutput } from './pilots.ts';
import { resourceHistory, resourceLog, resourceStatus, siteHistory, siteLog, siteStatus } from './rss.ts';
import { sandboxEntityMapping, sandboxes, sandboxOwners } from './sandboxes.ts';

export const schema = {
  jobJdls,
  jobs,
  inputData,
  jobCommands,
  heartBeatLoggingInfo,
  loggingInfo,
  jobParameters,
  taskQueues,
  taskQueueJobs,
  deviceFlows,
  authorizationFlows,
  refreshTokens,
  clientAssertions,
  oauthClients,
  sandboxOwners,
  sandboxes,
  sandboxEntityMapping,
  pilotAgents,
  jobToPilotMapping,
  pilotOutput,
  siteStatus,
  resourceStatus,
  siteLog,
  siteHistory,
  resourceLog,
  resourceHistory,
  extensionMigrations,
};
export type Schema = typeof schema;
