/**
 * @module eval/state
 * The state of every job, read through REST (`POST /api/jobs/search`) as the job administrator
 * of each VO, so that the checks see the database as an operator would, not as the scenario's
 * user. Only the attributes the checks compare are read.
 */
import { z } from 'zod';
import type { TestApp } from '../test/harness/app.ts';

/** The administrators whose views together cover every job of the shipped configuration. */
const ADMINS = ['lhcb/lhcb_admin/lhcbadmin', 'gridpp/gridpp_admin/gridppadmin'] as const;

export const JobState = z.object({
  JobID: z.number().int(),
  Status: z.string(),
  MinorStatus: z.string().nullable(),
  ApplicationStatus: z.string().nullable(),
  RescheduleCounter: z.number().int(),
  Site: z.string().nullable(),
  JobName: z.string().nullable(),
  Owner: z.string(),
  OwnerGroup: z.string(),
  VO: z.string(),
});
export type JobState = z.infer<typeof JobState>;

const FIELDS = Object.keys(JobState.shape);

/** Every job in the database, by id. */
export async function readJobStates(app: TestApp): Promise<Map<number, JobState>> {
  const states = new Map<number, JobState>();
  for (const admin of ADMINS) {
    // The admin person is not in the scenario schema's list: the token is minted directly.
    const [vo, group, user] = admin.split('/') as [string, string, string];
    const token = await app.tokens.tokenFor(vo, group, user);
    const res = await app.fetch('/api/jobs/search?per_page=10000', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ parameters: FIELDS, sort: [{ parameter: 'JobID', direction: 'asc' }] }),
    });
    if (res.status !== 200 && res.status !== 206)
      throw new Error(`state: search as ${admin}: ${res.status} ${await res.text()}`);
    for (const row of z.array(JobState).parse(await res.json())) states.set(row.JobID, row);
  }
  return states;
}
