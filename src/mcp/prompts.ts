/**
 * @module mcp/prompts
 * Workflow prompts that tell a model which tools to call, by name, for the common grid chores:
 * debugging a failed job, submitting a job, cleaning up stalled jobs.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const user = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] });

export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'debug-failed-job',
    {
      title: 'Debug a failed job',
      description: 'Find out why a job failed and what to do next.',
      argsSchema: z.object({ job_id: z.string() }),
    },
    ({ job_id }) =>
      user(
        `Debug DIRAC job ${job_id}. 1) get_job(job_id=${job_id}) for its status and site. 2) ` +
          `get_job_status_history(job_id=${job_id}) to see where it went wrong. 3) get_job_jdl(job_id=${job_id}) to ` +
          `check the description. 4) read_job_sandbox_file(job_id=${job_id}, path="StdErr", tail_lines=50) for ` +
          `the end of its error output (list_job_sandbox_files(job_id=${job_id}) names its other logs). ` +
          'Explain the likely cause; if it looks transient, propose reschedule_jobs(job_ids=[...], dry_run=true) ' +
          'first.',
      ),
  );
  server.registerPrompt(
    'submit-job',
    {
      title: 'Submit a job',
      description: 'Describe, validate and submit a grid job.',
      argsSchema: z.object({ goal: z.string() }),
    },
    ({ goal }) =>
      user(
        `Help me run this on the grid: ${goal}. Build the job with submit_job's fields (executable, arguments, site, ` +
          `...) or a JDL; call validate_jdl first when writing JDL yourself, then submit_job, then report the job ` +
          `ids and how to follow them with get_job.`,
      ),
  );
  server.registerPrompt(
    'clean-up-stalled-jobs',
    { title: 'Clean up stalled jobs', description: 'Find my stalled jobs and decide what to do with them.' },
    () =>
      user(
        'Find my stalled jobs with search_jobs(parameter="Status", operator="eq", ' +
          'value="Stalled"). Show them, then propose kill_jobs or reschedule_jobs for ' +
          'them with dry_run=true and show what would change. Only run the real call after I agree.',
      ),
  );
}
