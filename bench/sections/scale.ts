/**
 * Search and summary at scale on PostgreSQL: the jobs table is seeded with SQL up to each size,
 * then one user's (chaen, lhcb_user) search (first page of 100, Status and Site filters, sorted
 * by JobID descending) and summary (grouped by Status and Site) go through HTTP under wrk,
 * each twice: as shipped, where the VO's `GlobalJobsInfo` (default true, as in DiracX) lets a
 * user search the whole VO, and with an `Owner = self` filter (the user's own jobs). At the
 * largest size the statements `src/db/search/run.ts` builds for them (the same text, with the
 * values inlined) are explained (EXPLAIN ANALYZE, BUFFERS).
 */
import { JOBS_SEARCH_TABLE } from '../../src/db/jobs-search.ts';
import { DEFAULT_JOB_FIELDS } from '../../src/tools/jobs.ts';
import { measureGroup } from '../measure.ts';
import { MEASURED_HEADERS, measuredRow, table, type Measured } from '../report.ts';
import { check, restSearch, restSummary, SEARCH_FILTER } from '../requests.ts';
import type { WrkRequest } from '../wrk.ts';
import type { BenchContext } from './context.ts';

const USER = 'chaen';

/** One request of the section: how to build it, and the SQL it runs (for EXPLAIN). */
interface Query {
  name: string;
  kind: 'search' | 'summary';
  build(ctx: BenchContext): WrkRequest;
  statements: Record<string, string>;
}

const q = (s: string): string => `'${s}'`;
const SEARCH_WHERE =
  `("Jobs"."VO" = 'lhcb' and "Jobs"."Status" = ` +
  `${q(SEARCH_FILTER.status)} and "Jobs"."Site" = ${q(SEARCH_FILTER.site)}`;
/** The selected columns in the search table's order, as `chooseColumns` puts them. */
const COLUMNS = Object.keys(JOBS_SEARCH_TABLE.columns)
  .filter((c) => DEFAULT_JOB_FIELDS.includes(c))
  .map((c) => `"${c}"`)
  .join(', ');
const searchStatements = (where: string): Record<string, string> => ({
  count: `select count(*) from "Jobs" where ${where}`,
  page: `select ${COLUMNS} from "Jobs" where ${where} order by "Jobs"."JobID" desc limit 100`,
});
const summaryStatement = (where: string): string =>
  `select "Site", "Status", count("JobID") from "Jobs" where ${where} group by "Jobs"."Site", "Jobs"."Status" order ` +
  `by "Jobs"."Site" asc, "Jobs"."Status" asc`;

export const QUERIES: readonly Query[] = [
  {
    name: 'search, VO-wide (as shipped)',
    kind: 'search',
    build: (ctx) => restSearch(ctx.server.url, ctx.tokens.rest, 100),
    statements: searchStatements(`${SEARCH_WHERE})`),
  },
  {
    name: 'search, own jobs (Owner = self)',
    kind: 'search',
    build: (ctx) => restSearch(ctx.server.url, ctx.tokens.rest, 100, USER),
    statements: searchStatements(`${SEARCH_WHERE} and "Jobs"."Owner" = ${q(USER)})`),
  },
  {
    name: 'summary, VO-wide (as shipped)',
    kind: 'summary',
    build: (ctx) => restSummary(ctx.server.url, ctx.tokens.rest),
    statements: { summary: summaryStatement(`"Jobs"."VO" = 'lhcb'`) },
  },
  {
    name: 'summary, own jobs (Owner = self)',
    kind: 'summary',
    build: (ctx) => restSummary(ctx.server.url, ctx.tokens.rest, USER),
    statements: { summary: summaryStatement(`("Jobs"."VO" = 'lhcb' and "Jobs"."Owner" = ${q(USER)})`) },
  },
];

export interface ScaleMeasurement {
  query: string;
  kind: 'search' | 'summary';
  /** Rows the search matches (its total), or jobs the summary counts. */
  matched: number;
  measured: Measured;
}

export interface ScalePoint {
  jobs: number;
  /** Seconds to seed the jobs added for this point (SQL insert, VACUUM ANALYZE). */
  seedSeconds: number;
  measurements: ScaleMeasurement[];
}

/** How many rows a request covers: the search's total (Content-Range) or the summary's sum. */
async function matched(req: WrkRequest, kind: Query['kind']): Promise<number> {
  const res = await fetch(req.url, { method: 'POST', headers: req.headers ?? {}, body: req.body ?? null });
  if (kind === 'summary') return ((await res.json()) as { count: number }[]).reduce((sum, g) => sum + g.count, 0);
  await res.arrayBuffer();
  return Number(res.headers.get('content-range')?.split('/')[1] ?? NaN);
}

/** Seeds the table up to `size` jobs and measures there. */
export async function scalePoint(ctx: BenchContext, size: number): Promise<ScalePoint> {
  const have = await ctx.db.countJobs();
  console.log(`== ${size.toLocaleString('en')} jobs: seeding ${(size - have).toLocaleString('en')} with SQL`);
  const seedSeconds = size > have ? await ctx.db.seed(size - have) : 0;
  console.log(`  seeded in ${seedSeconds.toFixed(1)} s`);
  const probes = [];
  const counted: number[] = [];
  for (const query of QUERIES) {
    const req = query.build(ctx);
    await check(req);
    counted.push(await matched(req, query.kind));
    probes.push({ name: `${query.name} at ${size}`, req, cpuPids: [ctx.server.pid] });
  }
  const measured = await measureGroup(probes, ctx.load, ctx.sample);
  const measurements = QUERIES.map(
    (query, i): ScaleMeasurement => ({
      query: query.name,
      kind: query.kind,
      matched: counted[i]!,
      measured: measured[i]!,
    }),
  );
  return { jobs: size, seedSeconds, measurements };
}

/** EXPLAIN ANALYZE of every statement of every query, by "query: statement". */
export async function explainAll(ctx: BenchContext): Promise<Record<string, string>> {
  const plans: Record<string, string> = {};
  for (const query of QUERIES) {
    for (const [name, sql] of Object.entries(query.statements))
      plans[`${query.name}: ${name}`] = `${sql}\n\n${await ctx.db.explain(sql, [])}`;
  }
  return plans;
}

export function scaleTables(points: readonly ScalePoint[], plans: Record<string, string>): string[] {
  const rows = points.flatMap((p) =>
    p.measurements.map((m) => [
      `${p.jobs.toLocaleString('en')}`,
      m.query,
      m.matched.toLocaleString('en'),
      ...measuredRow(m.measured),
    ]),
  );
  const explained = Object.entries(plans).map(
    ([name, plan]) => `#### EXPLAIN ANALYZE, ${name}\n\n\`\`\`\n${plan}\n\`\`\`\n`,
  );
  return [
    table(
      `Search (Status = ${SEARCH_FILTER.status}, Site = ${SEARCH_FILTER.site}, first 100 by JobID desc) and summary ` +
        `(by Status, Site) on PostgreSQL, as ${USER} (lhcb_user)`,
      ['jobs in table', 'request', 'rows matched / counted', ...MEASURED_HEADERS],
      rows,
    ),
    table(
      'Seeding (SQL insert, then VACUUM ANALYZE)',
      ['jobs in table', 'seconds'],
      points.map((p) => [p.jobs.toLocaleString('en'), p.seedSeconds.toFixed(1)]),
    ),
    ...explained,
  ];
}
