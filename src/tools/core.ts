/**
 * @module tools/core
 * The core MCP tools, in the fixed order clients list them: dirac-agentic's seven first, in
 * dirac-agentic's order, so prompts and evaluation scenarios written for it see the same
 * surface; then ours, read-only before destructive, jobs before pilots before resource statuses. Extensions append
 * theirs after these (`src/extensions/compose.ts`); a name collision is a startup error.
 * `checkToolDefs` holds every list to the rules models rely on, and runs on this one at load.
 */
import type { ToolDef } from './define.ts';
import { configSummaryTool, whoamiTool } from './identity.ts';
import { submitJobTool, validateJdlTool } from './jdl-builder.ts';
import {
  getJobTool,
  jobJdlTool,
  jobSandboxesTool,
  jobStatusHistoryTool,
  jobStatusSummaryTool,
  searchJobsTool,
  summarizeJobsTool,
} from './jobs.ts';
import { jobMonitorTool } from './monitor.ts';
import { deleteJobsTool, killJobsTool, rescheduleJobsTool, setJobStatusesTool } from './jobs-destructive.ts';
import { pilotSummaryTool, searchPilotsTool } from './pilots.ts';
import { listJobSandboxFilesTool, readJobSandboxFileTool } from './sandbox-files.ts';
import { createSandboxTool } from './sandbox-upload.ts';
import { resourceStatusTool, siteStatusTool } from './rss.ts';

/** dirac-agentic's tools (aldbr/dirac-agentic, `dirac-mcp/src/dirac_mcp/tools/jobs.py`), in its order. */
export const DIRAC_AGENTIC_TOOL_NAMES = [
  'search_jobs',
  'get_job',
  'submit_job',
  'get_job_status_summary',
  'get_job_sandboxes',
  'set_job_statuses',
  'reschedule_jobs',
] as const;

/** MCP tool names: letters, digits, `_`, `-`, `.`, at most 128 (spec 2025-11-25, "Tool names"). */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Throws `TypeError` naming the first tool that breaks a rule: a valid and unique name, a
 * title, a description with an `Example:` call, and `destructiveHint` only on tools that write.
 */
export function checkToolDefs(defs: readonly ToolDef[]): void {
  const seen = new Set<string>();
  for (const def of defs) {
    const problem = !TOOL_NAME.test(def.name)
      ? 'has an invalid name'
      : seen.has(def.name)
        ? 'is defined twice'
        : def.title.trim() === ''
          ? 'has no title'
          : !/\bExample: \S/.test(def.description)
            ? 'has no "Example:" call in its description'
            : def.annotations.readOnlyHint && def.annotations.destructiveHint
              ? 'is both read-only and destructive'
              : undefined;
    if (problem) throw new TypeError(`MCP tool ${def.name} ${problem}`);
    seen.add(def.name);
  }
}

/** The tools every deployment serves. */
export const CORE_TOOLS: readonly ToolDef[] = [
  // dirac-agentic's seven: same names, arguments and result envelopes.
  searchJobsTool,
  getJobTool,
  submitJobTool,
  jobStatusSummaryTool,
  jobSandboxesTool,
  setJobStatusesTool,
  rescheduleJobsTool,
  // Ours.
  whoamiTool,
  jobStatusHistoryTool,
  jobJdlTool,
  listJobSandboxFilesTool,
  readJobSandboxFileTool,
  summarizeJobsTool,
  jobMonitorTool,
  validateJdlTool,
  createSandboxTool,
  killJobsTool,
  deleteJobsTool,
  searchPilotsTool,
  pilotSummaryTool,
  siteStatusTool,
  resourceStatusTool,
  configSummaryTool,
];

checkToolDefs(CORE_TOOLS);
