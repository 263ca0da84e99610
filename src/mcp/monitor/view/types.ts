/**
 * @module mcp/monitor/view/types
 * The results the view reads, as the tools declare them (type-only imports: nothing of the
 * server reaches the view's bundle).
 */
import type { z } from 'zod';
import type { jobStatusHistoryTool } from '../../../tools/jobs.ts';
import type { killJobsTool, rescheduleJobsTool } from '../../../tools/jobs-destructive.ts';
import type { jobMonitorTool } from '../../../tools/monitor.ts';

export type MonitorResult = z.output<typeof jobMonitorTool.output>;
export type MonitorArgs = z.input<typeof jobMonitorTool.input>;
export type HistoryResult = z.output<typeof jobStatusHistoryTool.output>;
export type KillResult = z.output<typeof killJobsTool.output>;
export type RescheduleResult = z.output<typeof rescheduleJobsTool.output>;
export type SortColumn = MonitorResult['sort']['by'];
