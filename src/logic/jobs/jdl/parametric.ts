/**
 * @module logic/jobs/jdl/parametric
 * DIRAC's parametric jobs (`DIRACCommon/WorkloadManagementSystem/Utilities/ParametricJob.py`):
 * one JDL with `Parameters = {...}` (a list), or `Parameters = N` with `ParameterStart`,
 * `ParameterStep`, `ParameterFactor` (value i+1 = value i * factor + step), and the same per
 * named sequence (`Parameters.<name>`, `ParameterStart.<name>`, ...), expands into N JDLs.
 * In each, `%n` becomes the zero-padded index, `%s` the unnamed parameter and `%(name)s` the named
 * ones; the definitions are replaced by `Parameter`/`Parameter.<name>` and `ParameterNumber`.
 * `%j` is left alone: submission puts the job id there. Errors carry DIRAC's messages.
 * Before any job is built, the size of each and of all is computed from the template and the
 * values (`parametric-size.ts`) and checked against the submission limits.
 */
import { JdlParametricError, type JdlDocument, type JdlValue } from './ast.ts';
import { setAttribute } from './attributes.ts';
import { parameterText, substituteValue } from './parametric-substitute.ts';
import { pythonSequence, readPyInt, readPyNumber, type PyNumber } from './parametric-sequence.ts';
import { printValue } from './print.ts';
import { checkJobSizes, DEFAULT_SUBMISSION_LIMITS, type SubmissionLimits } from '../submission-limits.ts';
import { expandedJobSizes, type PlaceholderSequence } from './parametric-size.ts';

/** DiracX's `MAX_PARAMETRIC_JOBS`: how many jobs one submission may create. */
export const MAX_PARAMETRIC_JOBS = 20;

export interface GenerateParametricJobsOptions {
  /** Refuse definitions expanding to more jobs than this; `MAX_PARAMETRIC_JOBS` by default. */
  maxJobs?: number;
  /** Refuse expansions whose jobs, or all of them together, would be larger than this. */
  limits?: SubmissionLimits | undefined;
}

const INCONSISTENT = 'Inconsistent parametric job description';
const DEFINITION_NAME = /^(Parameters|ParameterStart|ParameterStep|ParameterFactor)(?:\.(.+))?$/;
const UNNAMED = '0'; // DIRAC's sequence id for the unnamed parameter (`%s`)

type SequenceKey = 'ParameterStart' | 'ParameterStep' | 'ParameterFactor';
interface Definition {
  list?: JdlValue[];
  ParameterStart?: PyNumber;
  ParameterStep?: PyNumber;
  ParameterFactor?: PyNumber;
}

/** Whether the JDL defines parameters at all (`Parameters` or `Parameters.<name>`). */
export function isParametric(doc: JdlDocument): boolean {
  return doc.attributes.some((a) => a.name === 'Parameters' || a.name.startsWith('Parameters.'));
}

/**
 * DIRAC's `getParameterVectorLength`: the length shared by `Parameters` and every
 * `Parameters.<name>` (a list's size, or the integer), `undefined` when none gives one.
 * @throws JdlParametricError when two lengths differ or the length is not positive.
 */
export function getParameterVectorLength(doc: JdlDocument): number | undefined {
  let length: bigint | null | undefined; // undefined: nothing seen; null: Python's None (not an int)
  for (const { name, value } of doc.attributes) {
    if (name !== 'Parameters' && !name.startsWith('Parameters.')) continue;
    const current = value.kind === 'list' ? BigInt(value.items.length) : (readPyInt(value) ?? null);
    if (length != null && length !== current) {
      const found = current ?? 'None';
      throw new JdlParametricError(`Different length of parameter vectors: for ${name}, ${length} != ${found}`);
    }
    length = current;
  }
  if (length != null && length <= 0n) throw new JdlParametricError(`Illegal number of job parameters ${length}`);
  return length == null ? undefined : Number(length);
}

/**
 * DIRAC's `generateParametricJobs`: the expanded JDLs, or `[doc]` when it is not parametric.
 * @throws JdlParametricError for an inconsistent definition or more than `maxJobs` jobs (checked
 * before anything is generated, where DiracX checks afterwards); InvalidInputError when a job,
 * or all together, would be larger than `limits` (also checked before anything is generated).
 */
export function generateParametricJobs(doc: JdlDocument, options: GenerateParametricJobsOptions = {}): JdlDocument[] {
  const maxJobs = options.maxJobs ?? MAX_PARAMETRIC_JOBS;
  if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new TypeError('maxJobs must be a positive integer');
  if (!isParametric(doc)) return [doc];
  const count = getParameterVectorLength(doc);
  if (count === undefined) throw new JdlParametricError('Can not determine the number of job parameters');
  const definitions = readDefinitions(doc, count);
  if (count > maxJobs) throw new JdlParametricError(`Normal user cannot submit more than ${maxJobs} jobs at once`);

  const int = (value: bigint): PyNumber => ({ kind: 'int', value });
  const sequences = new Map<string, JdlValue[]>();
  for (const [id, def] of definitions) {
    const values =
      def.list ??
      pythonSequence(count, {
        start: def.ParameterStart ?? int(1n),
        step: def.ParameterStep ?? int(0n),
        factor: def.ParameterFactor ?? int(1n),
      }).map(numberFromText);
    sequences.set(id, values);
  }
  const template: JdlDocument = { attributes: doc.attributes.filter((a) => !DEFINITION_NAME.test(a.name)) };
  const width = String(count - 1).length;
  checkJobSizes(
    expandedJobSizes(template, placeholderSequences(sequences, width), count),
    options.limits ?? DEFAULT_SUBMISSION_LIMITS,
  );
  return Array.from({ length: count }, (_, index) => expandOne(template, sequences, index, width));
}

/** Each sequence's definition, in the order its first attribute appears, validated as DIRAC does. */
function readDefinitions(doc: JdlDocument, count: number): Map<string, Definition> {
  const definitions = new Map<string, Definition>();
  for (const { name, value } of doc.attributes) {
    const match = DEFINITION_NAME.exec(name);
    if (!match) continue;
    const key = match[1] as 'Parameters' | SequenceKey;
    const id = match[2] ?? UNNAMED;
    const def = definitions.get(id) ?? {};
    definitions.set(id, def);
    if (key !== 'Parameters') {
      const number = readPyNumber(value);
      if (!number) throw new JdlParametricError(`Illegal value for ${name} JDL field: ${printValue(value)}`);
      def[key] = number;
    } else if (value.kind === 'list') {
      if (value.items.length !== count) throw new JdlParametricError(INCONSISTENT);
      def.list = value.items;
    } else if (id !== UNNAMED) {
      throw new JdlParametricError(INCONSISTENT);
    } else if (readPyInt(value) === undefined) {
      throw new JdlParametricError(`${INCONSISTENT}: ${name}=${printValue(value)}`);
    }
  }
  return definitions;
}

/** The placeholders in the order `expandOne` substitutes them, with their markers. */
function placeholderSequences(sequences: Map<string, JdlValue[]>, width: number): PlaceholderSequence[] {
  const out: PlaceholderSequence[] = [
    { placeholder: '%n', valueAt: (i) => indexValue(i, width), marker: 'ParameterNumber', markerIsValue: true },
  ];
  for (const [id, values] of sequences) {
    const unnamed = id === UNNAMED;
    out.push({
      placeholder: unnamed ? '%s' : `%(${id})s`,
      valueAt: (i) => parameterAt(values, i),
      marker: unnamed ? 'Parameter' : `Parameter.${id}`,
      markerIsValue: false,
    });
  }
  return out;
}

const indexValue = (index: number, width: number): JdlValue => ({
  kind: 'number',
  value: index,
  raw: String(index).padStart(width, '0'),
});

/** Job `index`: placeholders replaced (`%n` first, then each sequence in order), then the markers. */
function expandOne(
  template: JdlDocument,
  sequences: Map<string, JdlValue[]>,
  index: number,
  width: number,
): JdlDocument {
  let attributes = template.attributes;
  const substitute = (placeholder: string, param: JdlValue): void => {
    attributes = attributes.map(({ name, value }) => ({
      name,
      value: substituteValue(value, placeholder, param, { attribute: name, inListAttribute: value.kind === 'list' }),
    }));
  };
  substitute('%n', indexValue(index, width));
  for (const [id, values] of sequences) substitute(id === UNNAMED ? '%s' : `%(${id})s`, parameterAt(values, index));

  let job: JdlDocument = { attributes };
  for (const [id, values] of sequences) {
    const param = parameterAt(values, index);
    const marker: JdlValue = param.kind === 'list' ? param : { kind: 'string', value: parameterText(param, false) };
    job = setAttribute(job, id === UNNAMED ? 'Parameter' : `Parameter.${id}`, marker);
  }
  return setAttribute(job, 'ParameterNumber', { kind: 'number', value: index, raw: String(index) });
}

function parameterAt(values: JdlValue[], index: number): JdlValue {
  const value = values[index];
  if (value === undefined) throw new JdlParametricError(INCONSISTENT); // lengths were checked; unreachable
  return value;
}

/** A generated value: a number, or Python's `inf`/`nan` kept as text when a float overflows. */
function numberFromText(text: string): JdlValue {
  const value = Number(text);
  return Number.isFinite(value) ? { kind: 'number', value, raw: text } : { kind: 'expression', raw: text };
}
