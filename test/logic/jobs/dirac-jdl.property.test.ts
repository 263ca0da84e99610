/**
 * The DIRAC pipeline emulation against DIRACCommon itself, live: random simple JDLs (strings with
 * spaces, commas, `=`, `%j`; numbers; bare words; lists) are prepared by our code and by
 * test/fixtures/diracx-jdl/generate.py, and the stored JDL, original JDL, columns, input data and
 * rescheduled JDL must be equal, or both refused. Needs DIRACX_DIRACCOMMON_PYTHON, a python with
 * DIRACCommon 9.1 (`pip install DIRACCommon==9.1.22`); skipped, saying so, without it.
 */
import { describe, expect, it } from 'bun:test';
import fc from 'fast-check';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../../src/config/file-source.ts';
import { DiracxError } from '../../../src/core/errors.ts';
import { checkAndAddOwner } from '../../../src/logic/jobs/manifest.ts';
import { prepareRescheduledJob, prepareSubmittedJob } from '../../../src/logic/jobs/prepare.ts';
import { wrapJdl } from '../../../src/logic/jobs/submit.ts';
import spec from '../../fixtures/diracx-jdl/cases.json' with { type: 'json' };

const PYTHON = process.env.DIRACX_DIRACCOMMON_PYTHON;
const GENERATOR = new URL('../../fixtures/diracx-jdl/generate.py', import.meta.url).pathname;

const WORD = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_./-]{0,8}$/);
const TEXT = fc.stringMatching(/^[A-Za-z0-9 ,.=:/%j_-]{0,16}$/);
const NUMBER = fc.oneof(fc.integer({ min: -1000, max: 100000 }).map(String), fc.constantFrom('1.5', '.5', '1e3', '-0'));
const VALUE = fc.oneof(
  TEXT.map((t) => `"${t}"`),
  NUMBER,
  WORD,
  fc
    .array(
      TEXT.map((t) => `"${t}"`),
      { minLength: 1, maxLength: 3 },
    )
    .map((items) => `{${items.join(', ')}}`),
);
const NAME = fc.constantFrom(
  'Executable',
  'Arguments',
  'JobName',
  'JobGroup',
  'Site',
  'InputData',
  'OutputSandbox',
  'Priority',
  'CPUTime',
  'Tags',
  'StdOutput',
  'LogLevel',
  'Origin',
  'NumberOfProcessors',
  'Custom',
);
const JDL = fc
  .tuple(fc.uniqueArray(fc.tuple(NAME, VALUE), { minLength: 1, maxLength: 7, selector: ([n]) => n }), fc.boolean())
  .map(([attributes, brackets]) => {
    const body = attributes.map(([name, value]) => `${name} = ${value};`).join(' ');
    return brackets ? `[${body}]` : body;
  });

interface Outcome {
  error?: true;
  /** Refused because a value is too long for its Jobs column (on purpose; DiracX fails or truncates). */
  columnLimit?: true;
  jobs?: unknown[];
}

/** Our refusals of values a Jobs column cannot hold (DiracX's insert fails or truncates). */
const COLUMN_LIMIT = /is too long: at most/;

/** What our code does with `jdl` as job `jobId`, in generate.py's shape (errors as `true`). */
function ours(jdl: string, jobId: number, config: Awaited<ReturnType<typeof loadConfigFile>>['config']): Outcome {
  const who = { owner: spec.owner, ownerGroup: spec.owner_group, vo: spec.vo };
  try {
    const text = wrapJdl(jdl);
    const limits = config.Operations[spec.vo]!.JobDescription;
    const prepared = prepareSubmittedJob(checkAndAddOwner(text, who.owner, who.ownerGroup, limits), jobId, who, config);
    const { jobName, jobType, jobGroup, site, userPriority } = prepared.attributes;
    const attributes = Object.fromEntries(
      Object.entries({ JobName: jobName, JobType: jobType, JobGroup: jobGroup, Site: site }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    let reschedule: unknown;
    try {
      const again = prepareRescheduledJob(text, jobId, who, config);
      reschedule = { jdl: again.jdl, site: again.site, user_priority: again.userPriority };
    } catch (err) {
      if (!(err instanceof DiracxError)) throw err;
      reschedule = { error: true };
    }
    return {
      jobs: [
        {
          original_jdl: text,
          jdl: prepared.jdl,
          attributes: { ...attributes, UserPriority: userPriority },
          input_data: prepared.inputData,
          reschedule,
        },
      ],
    };
  } catch (err) {
    if (!(err instanceof DiracxError)) throw err;
    return COLUMN_LIMIT.test(err.message) ? { error: true, columnLimit: true } : { error: true };
  }
}

/** generate.py's results with every error message replaced by `true`. */
function normalised(result: { error?: string; jobs?: { reschedule: { error?: string } }[] }): Outcome {
  if (result.error !== undefined) return { error: true };
  return {
    jobs: (result.jobs ?? []).map((job) => ({
      ...job,
      reschedule: job.reschedule.error === undefined ? job.reschedule : { error: true },
    })),
  };
}

describe('the DIRAC pipeline emulation', () => {
  const run = PYTHON ? it : it.skip;
  const name = PYTHON
    ? 'prepares random JDLs as DIRACCommon does'
    : 'prepares random JDLs as DIRACCommon does ' +
      '(skipped: set DIRACX_DIRACCOMMON_PYTHON to a python with DIRACCommon 9.1)';
  run(
    name,
    async () => {
      const { config } = await loadConfigFile(DEFAULT_CONFIG_PATH);
      const jdls = fc.sample(JDL, { numRuns: 300, seed: Number(process.env.DIRACX_PROPERTY_SEED ?? 18) });
      const cases = jdls.map((jdl, i) => ({ name: String(i), job_id: 1000 + i, jdls: [jdl] }));
      const proc = Bun.spawnSync([PYTHON ?? 'python3', GENERATOR, '--stdin'], {
        stdin: new TextEncoder().encode(JSON.stringify({ ...spec, cases })),
      });
      expect(proc.exitCode).toBe(0);
      const theirs = JSON.parse(proc.stdout.toString()) as Parameters<typeof normalised>[0][];
      for (const [i, jdl] of jdls.entries()) {
        const result = theirs[i];
        if (!result) throw new Error(`no result for case ${i}`);
        const mine = ours(jdl, 1000 + i, config);
        if (mine.columnLimit) continue;
        expect({ jdl, ...mine }).toEqual({ jdl, ...normalised(result) });
      }
    },
    120_000,
  );
});
