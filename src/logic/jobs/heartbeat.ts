/**
 * @module logic/jobs/heartbeat
 * DiracX's `add_heartbeat` and `get_job_commands` (`logic/jobs/status.py`): a pilot's sign of
 * life moves `Matched`/`Stalled` jobs to `Running` (source `Heartbeat`), stamps
 * `HeartBeatTime` on the others, stores the numeric samples in `HeartBeatLoggingInfo` and any
 * other key (`StandardOutput`) in the job parameters document, then hands back the jobs'
 * pending commands, each delivered once. One transaction; no HTTP here.
 */
import type { Session } from '../../db/session.ts';
import { upsertJobParameters, type JobParametersUpdate } from '../../db/job-parameters.ts';
import {
  insertHeartbeatSamples,
  lockJobs,
  takePendingJobCommands,
  updateJobAttributes,
  type HeartbeatSample,
  type JobAttributeUpdate,
} from '../../db/job-status.ts';
import { applyJobStatuses, jobsNotFoundError, type JobsContext } from './set-status.ts';
import { HEARTBEAT_FIELDS, formatUtc, type HeartbeatBody, type JobCommand, type JobStatusChanges } from './models.ts';

const SAMPLE_FIELDS: ReadonlySet<string> = new Set(HEARTBEAT_FIELDS);

/** A float as Python's `str()` writes it (`1234.0`, `2.5`), the form DiracX stores samples in. */
function pythonFloat(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value}.0` : String(value);
}

/**
 * The pending commands of the jobs, marked `Sent` in the same statement, ordered by job id:
 * a command is delivered exactly once.
 */
export async function getJobCommands(tx: Session, jobIds: readonly number[], now: Date): Promise<JobCommand[]> {
  const rows = await takePendingJobCommands(tx, jobIds, now);
  return rows.map((r) => ({ job_id: r.jobId, command: r.command, arguments: r.arguments }));
}

/**
 * Records heartbeats (`{jobId: HeartbeatData}`, the `PATCH /api/jobs/heartbeat` body) and
 * returns the pending commands of those jobs. Unknown job ids are a `NotFoundError` naming them
 * and nothing is written (DiracX answers 500 there).
 */
export async function addHeartbeat(ctx: JobsContext, data: HeartbeatBody): Promise<JobCommand[]> {
  const jobIds = Object.keys(data).map(Number);
  if (jobIds.length === 0) return [];
  const now = ctx.now();
  return ctx.database.transaction(async (tx) => {
    const found = await lockJobs(tx, jobIds);
    const known = new Set(found.map((j) => j.jobId));
    const missing = jobIds.filter((id) => !known.has(id));
    if (missing.length > 0) throw jobsNotFoundError(missing);

    const toRunning: JobStatusChanges = {};
    const stamped = new Map<number, JobAttributeUpdate>();
    for (const job of found) {
      if (job.status === 'Matched' || job.status === 'Stalled') {
        toRunning[job.jobId] = { [formatUtc(now.getTime() * 1000)]: { Status: 'Running', Source: 'Heartbeat' } };
      } else stamped.set(job.jobId, { HeartBeatTime: now });
    }
    if (Object.keys(toRunning).length > 0) await applyJobStatuses(tx, now, toRunning, false);
    await updateJobAttributes(tx, stamped);

    const samples: HeartbeatSample[] = [];
    const parameters: JobParametersUpdate[] = [];
    for (const { jobId, vo } of found) {
      const others: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(data[jobId] ?? {})) {
        if (value === null || value === undefined) continue;
        if (SAMPLE_FIELDS.has(name) && typeof value === 'number')
          samples.push({ jobId, name, value: pythonFloat(value), time: now });
        else others[name] = value;
      }
      parameters.push({ jobId, vo, parameters: others });
    }
    await insertHeartbeatSamples(tx, samples);
    await upsertJobParameters(tx, parameters, now);
    return getJobCommands(tx, jobIds, now);
  });
}
