/**
 * The PostgreSQL side of the benchmark: a fresh database (created from BENCH_PG_URL, default
 * the local cluster as `postgres`, dropped at the end) and fast seeding of the JobDB with SQL
 * (`INSERT ... SELECT generate_series`) instead of HTTP submissions.
 *
 * Seeded jobs (`JobJDLs` + `Jobs`; no `LoggingInfo`, which search and summary do not read
 * unless asked for it), drawn independently per job:
 *  - VO and Owner: 85 % lhcb (60 % production `lbprods`/lhcb_prmgr, 10 % `chaen`, 5 % `albdr`,
 *    10 % over 200 other users), 15 % gridpp (`alice` 5 %, `bob` 5 %, 5 % over 50 others);
 *  - Status: Done 45 %, Waiting 15 %, Running 12 %, Failed 10 %, Killed 5 %, Stalled 3 %,
 *    Deleted 3 %, Completed 2 %, Received 2 %, Checking 2 %, Matched 1 %, with matching
 *    MinorStatus; jobs that never ran have Site `ANY`;
 *  - Site: one of 20, skewed (the first, LCG.CERN.cern, ~22 %, the last ~2.5 %);
 *  - times: submitted two seconds apart in JobID order, up to the benchmark date.
 */
import postgres from 'postgres';

export const SITES = [
  'LCG.CERN.cern',
  'LCG.CNAF.it',
  'LCG.GRIDKA.de',
  'LCG.RAL.uk',
  'LCG.IN2P3.fr',
  'LCG.PIC.es',
  'LCG.SARA.nl',
  'LCG.NIKHEF.nl',
  'LCG.CSCS.ch',
  'LCG.DESY.de',
  'LCG.Manchester.uk',
  'LCG.Glasgow.uk',
  'LCG.RRCKI.ru',
  'LCG.CBPF.br',
  'LCG.UKI-LT2-IC-HEP.uk',
  'LCG.Liverpool.uk',
  'LCG.NCBJ.pl',
  'LCG.Beijing.cn',
  'DIRAC.YANDEX.ru',
  'CLOUD.CERN-PROD.ch',
];

export interface BenchDatabase {
  url: string;
  /** `SELECT version()`. */
  version(): Promise<string>;
  /** Jobs in the `Jobs` table. */
  countJobs(): Promise<number>;
  /** Adds `n` seeded jobs after the highest JobID; returns the seconds it took (with VACUUM ANALYZE). */
  seed(n: number): Promise<number>;
  /** EXPLAIN (ANALYZE, BUFFERS) of `query` with `params`, as text. */
  explain(query: string, params: (string | number)[]): Promise<string>;
  drop(): Promise<void>;
}

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates a fresh database; throws with a hint when PostgreSQL cannot be reached. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const name = `diracx_bench_${Date.now()}_${process.pid}`;
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } catch (err) {
    await admin.end();
    throw new Error(`cannot create a database through ${ADMIN_URL} (set BENCH_PG_URL): ${String(err)}`);
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  return {
    url: url.toString(),
    async version() {
      const [row] = await sql<{ version: string }[]>`SELECT version()`;
      return row?.version.split(' on ')[0] ?? 'unknown';
    },
    async countJobs() {
      const [row] = await sql<{ n: string }[]>`SELECT count(*) AS n FROM "Jobs"`;
      return Number(row?.n ?? 0);
    },
    async seed(n) {
      const started = performance.now();
      await seedJobs(sql, n);
      await sql.unsafe('VACUUM (ANALYZE) "Jobs", "JobJDLs"');
      return (performance.now() - started) / 1000;
    },
    async explain(query, params) {
      const rows = await sql.unsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${query}`, params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    },
    async drop() {
      await sql.end();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

const sqlList = (values: readonly string[]): string => `ARRAY[${values.map((v) => `'${v}'`).join(',')}]`;

async function seedJobs(sql: postgres.Sql, n: number): Promise<void> {
  const [row] = await sql<{ max: number | null }[]>`SELECT max("JobID") AS max FROM "JobJDLs"`;
  const first = (row?.max ?? 0) + 1;
  const last = first + n - 1;
  await sql.begin(async (tx) => {
    await tx.unsafe(
      `INSERT INTO "JobJDLs" ("JobID", "JDL", "OriginalJDL")
       SELECT g, j, j FROM (
         SELECT g, '[Executable = "lb-prod-run"; Arguments = "prodConf_' || g || '.json"; '
                   || 'JobName = "bench_' || (g % 1000) || '"; OutputSandbox = {"std.out", "std.err"}; '
                   || 'CPUTime = 86400;]' AS j
         FROM generate_series($1::int, $2::int) g) s`,
      [first, last],
    );
    await tx.unsafe(`SELECT setval(pg_get_serial_sequence('"JobJDLs"', 'JobID'), $1::int)`, [last]);
    await tx.unsafe(
      `WITH draw AS (
         SELECT g, random() AS ro, random() AS rs, random() AS rsite, random() AS ru, random() AS rt,
                TIMESTAMPTZ '2026-11-26 00:00:00+00' - (($2::int - g) * INTERVAL '2 seconds') AS submitted
         FROM generate_series($1::int, $2::int) g
       ), who AS (
         SELECT *,
           CASE WHEN ro < 0.60 THEN 'lbprods' WHEN ro < 0.70 THEN 'chaen' WHEN ro < 0.75 THEN 'albdr'
                WHEN ro < 0.85 THEN 'lhcbuser' || floor(ru * 200)::int
                WHEN ro < 0.90 THEN 'alice' WHEN ro < 0.95 THEN 'bob'
                ELSE 'gridppuser' || floor(ru * 50)::int END AS owner,
           CASE WHEN rs < 0.45 THEN 'Done' WHEN rs < 0.60 THEN 'Waiting' WHEN rs < 0.72 THEN 'Running'
                WHEN rs < 0.82 THEN 'Failed' WHEN rs < 0.87 THEN 'Killed' WHEN rs < 0.90 THEN 'Stalled'
                WHEN rs < 0.93 THEN 'Deleted' WHEN rs < 0.95 THEN 'Completed'
                WHEN rs < 0.97 THEN 'Received' WHEN rs < 0.99 THEN 'Checking' ELSE 'Matched' END AS status
         FROM draw
       )
       INSERT INTO "Jobs" ("JobID", "JobType", "JobGroup", "Site", "JobName", "Owner", "OwnerGroup", "VO",
                           "SubmissionTime", "LastUpdateTime", "StartExecTime", "EndExecTime", "HeartBeatTime",
                           "Status", "MinorStatus", "ApplicationStatus", "UserPriority")
       SELECT g,
         CASE WHEN owner = 'lbprods' THEN 'MCSimulation' ELSE 'User' END,
         CASE WHEN owner = 'lbprods' THEN lpad((100000 + g / 5000)::text, 8, '0') ELSE '00000000' END,
         CASE WHEN status IN ('Waiting', 'Received', 'Checking') THEN 'ANY'
              ELSE (${sqlList(SITES)})[1 + floor(20 * rsite * rsite)::int] END,
         'bench_' || (g % 1000),
         owner,
         CASE WHEN owner = 'lbprods' THEN 'lhcb_prmgr' WHEN ro < 0.85 THEN 'lhcb_user' ELSE 'gridpp_user' END,
         CASE WHEN ro < 0.85 THEN 'lhcb' ELSE 'gridpp' END,
         submitted,
         submitted + rt * INTERVAL '1 day',
         CASE WHEN status IN ('Done', 'Running', 'Failed', 'Stalled', 'Completed')
              THEN submitted + rt * INTERVAL '1 hour' END,
         CASE WHEN status IN ('Done', 'Failed', 'Completed') THEN submitted + rt * INTERVAL '1 day' END,
         CASE WHEN status IN ('Running', 'Stalled') THEN submitted + rt * INTERVAL '1 day' END,
         status,
         CASE status WHEN 'Done' THEN 'Execution Complete' WHEN 'Waiting' THEN 'Pilot Agent Submission'
                     WHEN 'Running' THEN 'Application'
                     WHEN 'Failed' THEN 'Application Finished With Errors' WHEN 'Killed' THEN 'Marked for termination'
                     WHEN 'Stalled' THEN 'Job stalled: pilot not running' WHEN 'Deleted' THEN 'Marked for deletion'
                     WHEN 'Completed' THEN 'Uploading Output Sandbox' WHEN 'Received' THEN 'Job accepted'
                     WHEN 'Checking' THEN 'JobSanity' ELSE 'Assigned' END,
         CASE WHEN status IN ('Done', 'Completed') THEN 'Success' WHEN status = 'Failed' THEN 'Error 137'
              ELSE 'Unknown' END,
         CASE WHEN owner = 'lbprods' THEN 1 ELSE 0 END
       FROM who`,
      [first, last],
    );
  });
}
