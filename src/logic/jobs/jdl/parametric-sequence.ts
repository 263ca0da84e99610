/**
 * @module logic/jobs/jdl/parametric-sequence
 * The numeric side of DIRAC's parametric jobs, reproduced with Python's semantics because the
 * generated values end up as text in every job: `ParameterStart/Step/Factor` are read as Python
 * `int` when they can be and `float` otherwise (`getAttributeInt`, then `getAttributeFloat`);
 * integer sequences stay exact (Python ints are unbounded, so BigInt here) and floats print as
 * Python's `str(float)` does (`2.0`, `1e+16`, `1e-05`). Pure functions, no JDL tree walking.
 */
import { NUMBER_PATTERN, scalarText, type JdlValue } from './ast.ts';

/** A value as Python holds it after DIRAC's `getAttributeInt`/`getAttributeFloat`. */
export type PyNumber = { kind: 'int'; value: bigint } | { kind: 'float'; value: number };

/** The start, step and factor of one sequence; DIRAC's defaults are `1`, `0`, `1` (all ints). */
export interface SequenceDefinition {
  start: PyNumber;
  step: PyNumber;
  factor: PyNumber;
}

const INT_TEXT = /^[+-]?\d+$/;

/**
 * The value's text as DIRAC's getters read it: the attribute's source with every `"` removed,
 * trimmed (`ParameterStart = "5"` is 5). Lists and nested ClassAds have no such text.
 */
function pythonText(value: JdlValue): string | undefined {
  if (value.kind === 'expression') return value.raw.replaceAll('"', '').trim();
  return scalarText(value)?.trim();
}

/** Python's `int(text)` on the value, or `undefined` where it raises (`2.5`, `abc`, a list). */
export function readPyInt(value: JdlValue): bigint | undefined {
  const text = pythonText(value);
  return text !== undefined && INT_TEXT.test(text) ? BigInt(text) : undefined;
}

/**
 * `int`, else `float`, as DIRAC reads `ParameterStart`; `undefined` for anything else. Python's
 * `float()` also takes `inf`, `nan` and `1_000`: refused here, they can only produce nonsense.
 */
export function readPyNumber(value: JdlValue): PyNumber | undefined {
  const int = readPyInt(value);
  if (int !== undefined) return { kind: 'int', value: int };
  const text = pythonText(value);
  if (text === undefined || !NUMBER_PATTERN.test(text)) return undefined;
  const float = Number(text);
  return Number.isFinite(float) ? { kind: 'float', value: float } : undefined;
}

/**
 * DIRAC's `__getParameterSequence`: `first = start`, then `next = previous * factor + step`,
 * `count` values, each as Python's `str()` prints it. The sequence is integral only when start,
 * step and factor all are (`start * type(factor)(1) + type(step)(0)` decides the type).
 */
export function pythonSequence(count: number, def: SequenceDefinition): string[] {
  const { start, step, factor } = def;
  const out: string[] = [];
  if (start.kind === 'int' && step.kind === 'int' && factor.kind === 'int') {
    let current = start.value;
    for (let i = 0; i < count; i++) {
      if (i > 0) current = current * factor.value + step.value;
      out.push(current.toString());
    }
    return out;
  }
  const f = Number(factor.value);
  const s = Number(step.value);
  let current = Number(start.value);
  for (let i = 0; i < count; i++) {
    if (i > 0) current = current * f + s;
    out.push(formatPythonFloat(current));
  }
  return out;
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (as JavaScript's), positional
 * with at least one decimal (`3.0`) when the decimal exponent is in [-4, 16), otherwise
 * scientific with a signed two-digit exponent (`1e+16`, `1.5e-05`); `inf`, `-inf`, `nan`.
 */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}
