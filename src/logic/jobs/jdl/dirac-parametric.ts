/**
 * @module logic/jobs/jdl/dirac-parametric
 * The job texts DIRAC's `generateParametricJobs` writes for a parametric JDL, on DIRAC's ClassAd
 * (`dirac-classad.ts`): the template printed with `asJDL`, `%n` replaced in the text, each
 * parameter pasted into every attribute's raw text, the definitions replaced by `Parameter`,
 * `Parameter.<name>` and `ParameterNumber`. DiracX stores these texts as the jobs' original JDL
 * and prepares each from them. The definition is checked beforehand by `parametric.ts` (same
 * rules, DIRAC's messages, our size limits); this module only writes the texts.
 */
import { DiracJdlError, type JdlDocument, type JdlValue } from './ast.ts';
import { DiracClassAd } from './dirac-classad.ts';
import { type PyNumber, pythonSequence, readPyNumber } from './parametric-sequence.ts';
import { pyStrip } from './python-text.ts';

const DEFINITIONS = ['Parameters', 'ParameterStart', 'ParameterStep', 'ParameterFactor'] as const;
type SequenceKey = 'ParameterStart' | 'ParameterStep' | 'ParameterFactor';

/**
 * The `count` job texts of the parametric `jdl` (in `[ ]`), as DIRAC writes them. DIRAC returns
 * the template unexpanded, as one job, when it has named sequences (`Parameters.<name>`) but no
 * unnamed `Parameters`; we expand it like any other (docs/compatibility.md).
 */
export function generateParametricJdls(jdl: string, count: number): string[] {
  const template = new DiracClassAd(jdl);
  const sequences = readSequences(template, count);
  const width = String(count - 1).length;
  const printed = template.asJdl();
  return Array.from({ length: count }, (_, n) => {
    const job = new DiracClassAd(printed.replaceAll('%n', String(n).padStart(width, '0')));
    for (const [id, values] of sequences) {
      for (const name of job.names()) updateAttribute(job, name, id, values[n] ?? NONE);
    }
    for (const [id, values] of sequences) {
      for (const key of DEFINITIONS) job.delete(id === '0' ? key : `${key}.${id}`);
      const value = values[n] ?? NONE;
      const marker = id === '0' ? 'Parameter' : `Parameter.${id}`;
      if (value.isList) job.setExpression(marker, value.text);
      else job.setString(marker, value.text);
    }
    job.setExpression('ParameterNumber', String(n));
    return job.asJdl();
  });
}

/**
 * Refuses a template whose strings DIRAC's ClassAd reader cuts (`;`, `[`, `]`) or strips (line
 * breaks) before expanding it: the texts generated from it would have lost part of a value.
 * (A JDL that is not parametric gets the same check from `loadJdlAsCfg`.)
 */
export function checkTemplateStrings(doc: JdlDocument): void {
  const visit = (value: JdlValue): void => {
    if (value.kind === 'list') value.items.forEach(visit);
    else if (value.kind === 'classad') for (const a of value.attributes) visit(a.value);
    else if (value.kind === 'string' && /[;[\]\n]/.test(value.value)) {
      throw new DiracJdlError(
        'a string holding ";", "[", "]" or a line break would be stored mangled by DiracX: ' +
          JSON.stringify(value.value),
      );
    }
  };
  for (const a of doc.attributes) visit(a.value);
}

interface ParameterValue {
  text: string;
  /** A list item read as `{...}` (DIRAC inserts it unquoted). */
  isList: boolean;
}
/** Never used: every sequence has `count` values (`parametric.ts` checked the lengths). */
const NONE: ParameterValue = { text: '', isList: false };

/** Each sequence's values as DIRAC's `str(parameter)`, by sequence id (`0` for the unnamed one). */
function readSequences(ad: DiracClassAd, count: number): Map<string, ParameterValue[]> {
  const lists = new Map<string, string[]>();
  const numbers = new Map<string, Partial<Record<SequenceKey, PyNumber>>>();
  for (const name of ad.names()) {
    for (const key of DEFINITIONS) {
      if (!name.startsWith(key)) continue;
      const id = name.includes('.') ? (name.split('.')[1] ?? '') : '0';
      const definition = numbers.get(id) ?? {};
      numbers.set(id, definition);
      if (key === 'Parameters') {
        if (ad.isList(name)) lists.set(id, ad.getList(name));
        continue;
      }
      const value = readPyNumber({ kind: 'expression', raw: ad.expression(name) });
      if (!value) throw new DiracJdlError(`Illegal value for ${name} JDL field: ${ad.expression(name)}`);
      definition[key] = value;
    }
  }
  const int = (value: bigint): PyNumber => ({ kind: 'int', value });
  const sequences = new Map<string, ParameterValue[]>();
  for (const [id, definition] of numbers) {
    const texts =
      lists.get(id) ??
      pythonSequence(count, {
        start: definition.ParameterStart ?? int(1n),
        step: definition.ParameterStep ?? int(0n),
        factor: definition.ParameterFactor ?? int(1n),
      });
    sequences.set(
      id,
      texts.map((text) => ({ text, isList: lists.has(id) && text.startsWith('{') })),
    );
  }
  return sequences;
}

/** `__updateAttribute`: the parameter pasted as text wherever its placeholder is. */
function updateAttribute(ad: DiracClassAd, name: string, id: string, value: ParameterValue): void {
  const placeholder = id === '0' ? '%s' : `%(${id})s`;
  const expression = ad.expression(name);
  if (!expression.includes(placeholder)) return;
  let text = pyStrip(value.text);
  if (ad.isList(name) && text.startsWith('{')) text = pyStrip(text.replace(/^\{+/, '').replace(/\}+$/, ''));
  ad.setExpression(name, expression.replaceAll(placeholder, text));
}
