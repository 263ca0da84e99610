/**
 * @module db/schema/job-parameters
 * Job parameters: what DiracX keeps in OpenSearch (`JobParametersDB`, one document per job,
 * partially upserted by heartbeats and metadata updates), kept here in
 * PostgreSQL as one JSONB document per job, with the VO for scoping.
 */
import { index, integer, jsonb, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';
import { jobs } from './jobs.ts';

export const jobParameters = pgTable(
  'JobParametersDocs',
  {
    jobId: integer('JobID')
      .primaryKey()
      .references(() => jobs.jobId, { onDelete: 'cascade' }),
    vo: varchar('VO', { length: 32 }).notNull(),
    /** The merged parameter document (`{"Status": ..., "HostName": ..., ...}`). */
    parameters: jsonb('Parameters').$type<Record<string, unknown>>().notNull().default({}),
    /** When the document was last written (DiracX's `timestamp`). */
    updatedAt: timestamp('UpdatedAt', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('JobParametersDocs_VO').on(t.vo), index('JobParametersDocs_Parameters').using('gin', t.parameters)],
);
