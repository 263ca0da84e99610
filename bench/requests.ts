/**
 * The requests the benchmark sends, each built once as a fixed `WrkRequest` and checked once
 * with fetch before any load (status, no in-band error, same rows through REST and MCP):
 * a user's job search (Status and Site filters, optionally Owner, sorted by JobID descending,
 * the MCP tools' default columns) through `POST /api/jobs/search`, through `tools/call
 * search_jobs` on an MCP endpoint, and the user's summary grouped by Status and Site.
 */
import { DEFAULT_JOB_FIELDS } from '../src/tools/jobs.ts';
import type { WrkRequest } from './wrk.ts';

/** The filters of the benchmark's search: one user's failed jobs at the busiest site. */
export const SEARCH_FILTER = { status: 'Failed', site: 'LCG.CERN.cern' } as const;

const json = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
});

/** `owner`: also filter on Owner (the caller's own jobs; without it the VO's `GlobalJobsInfo` decides the scope). */
export function restSearch(baseUrl: string, token: string, perPage: number, owner?: string): WrkRequest {
  return {
    url: `${baseUrl}/api/jobs/search?page=1&per_page=${perPage}`,
    method: 'POST',
    headers: json(token),
    body: JSON.stringify({
      parameters: DEFAULT_JOB_FIELDS,
      search: [
        { parameter: 'Status', operator: 'eq', value: SEARCH_FILTER.status },
        { parameter: 'Site', operator: 'eq', value: SEARCH_FILTER.site },
        ...(owner ? [{ parameter: 'Owner', operator: 'eq', value: owner }] : []),
      ],
      sort: [{ parameter: 'JobID', direction: 'desc' }],
    }),
  };
}

export function restSummary(baseUrl: string, token: string, owner?: string): WrkRequest {
  const search = owner ? [{ parameter: 'Owner', operator: 'eq', value: owner }] : [];
  return {
    url: `${baseUrl}/api/jobs/summary`,
    method: 'POST',
    headers: json(token),
    body: JSON.stringify({ grouping: ['Status', 'Site'], search }),
  };
}

export function restUserinfo(baseUrl: string, token: string): WrkRequest {
  return { url: `${baseUrl}/api/auth/userinfo`, method: 'GET', headers: { authorization: `Bearer ${token}` } };
}

/** `tools/call search_jobs` with the same search as `restSearch`, on the MCP endpoint `mcpUrl`. */
export function mcpSearch(mcpUrl: string, token: string, perPage: number): WrkRequest {
  return {
    url: mcpUrl,
    method: 'POST',
    headers: { ...json(token), accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'search_jobs',
        arguments: {
          parameter: 'Status',
          operator: 'eq',
          value: SEARCH_FILTER.status,
          extra_conditions: JSON.stringify([{ parameter: 'Site', operator: 'eq', value: SEARCH_FILTER.site }]),
          per_page: perPage,
          sort_by: 'JobID',
          sort_direction: 'desc',
        },
      },
    }),
  };
}

async function send(req: WrkRequest): Promise<Response> {
  return fetch(req.url, {
    method: req.method ?? 'GET',
    headers: req.headers ?? {},
    ...(req.body === undefined ? {} : { body: req.body }),
  });
}

/** Sends `req` once; throws unless it answers 200/206. Returns the parsed JSON body. */
export async function check(req: WrkRequest): Promise<unknown> {
  const res = await send(req);
  const text = await res.text();
  if (res.status !== 200 && res.status !== 206 && res.status !== 201)
    throw new Error(`${req.method ?? 'GET'} ${req.url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

interface ToolCallBody {
  result?: { isError?: boolean; structuredContent?: { success?: boolean; data?: { JobID?: unknown }[] } };
  error?: unknown;
}

/** The JobIDs a `tools/call search_jobs` answer holds; throws on any error. */
export async function checkMcpSearch(req: WrkRequest): Promise<unknown[]> {
  const body = (await check(req)) as ToolCallBody;
  const result = body.result;
  if (!result || result.isError || result.structuredContent?.success !== true)
    throw new Error(`${req.url}: tool call failed: ${JSON.stringify(body).slice(0, 300)}`);
  return (result.structuredContent.data ?? []).map((row) => row.JobID);
}

/** The JobIDs a REST search answer holds. */
export async function checkRestSearch(req: WrkRequest): Promise<unknown[]> {
  return ((await check(req)) as { JobID?: unknown }[]).map((row) => row.JobID);
}
