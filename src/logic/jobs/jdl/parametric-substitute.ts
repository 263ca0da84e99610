/**
 * @module logic/jobs/jdl/parametric-substitute
 * Pastes one parameter value into a JDL value wherever its placeholder (`%s`, `%(name)s`, `%n`)
 * appears, with the effect DIRAC's text replacement in `ParametricJob.__updateAttribute` has:
 * inside strings and expressions the parameter goes in as text (a list as `{a,b}`, or `a,b`
 * when the attribute itself is a list); a value that is nothing but the placeholder becomes the
 * parameter (`InputData = %(InputData)s;` turns into the list), and in a list it splices a list
 * parameter's items in. It does not decide which placeholders exist or in what order.
 */
import { JdlParametricError, JdlSyntaxError, type JdlValue } from './ast.ts';
import { parseJdlValue } from './parse.ts';
import { printValue } from './print.ts';

/**
 * The longest text a substitution may produce. A parameter value may hold the placeholder of a
 * later parameter (DIRAC replaces them in turn), so each sequence can multiply a value's length.
 */
export const MAX_SUBSTITUTED_LENGTH = 1 << 20;

/** Where a substitution happens: the top-level attribute, and whether its value is a list. */
export interface SubstitutionContext {
  attribute: string;
  inListAttribute: boolean;
}

/**
 * The text a parameter becomes inside a string or an expression: DIRAC's `str(parameter)`, where
 * list items arrive without their quotes and nested lists as `{x,y}`. In a list attribute DIRAC
 * strips the outer braces of a list parameter, so `{"%s"}` with `{a,b}` gives `{"a,b"}`.
 */
export function parameterText(param: JdlValue, inListAttribute: boolean): string {
  switch (param.kind) {
    case 'string':
      return param.value;
    case 'list': {
      const items = param.items.map(tightText).join(',');
      return inListAttribute ? items : `{${items}}`;
    }
    default:
      return printValue(param);
  }
}

/** Nested values as DIRAC's `getListFromExpression` hands them over: quotes kept, no spaces. */
function tightText(value: JdlValue): string {
  return value.kind === 'list' ? `{${value.items.map(tightText).join(',')}}` : printValue(value);
}

/** `value` with every `placeholder` replaced by `param` (the same object when none occurs). */
export function substituteValue(
  value: JdlValue,
  placeholder: string,
  param: JdlValue,
  ctx: SubstitutionContext,
): JdlValue {
  switch (value.kind) {
    case 'string':
      if (!value.value.includes(placeholder)) return value;
      return { kind: 'string', value: replaceBounded(value.value, placeholder, param, ctx) };
    case 'expression':
      if (value.raw === placeholder) return param;
      if (!value.raw.includes(placeholder)) return value;
      return reparse(replaceBounded(value.raw, placeholder, param, ctx), ctx);
    case 'list':
      return {
        kind: 'list',
        items: value.items.flatMap((item) =>
          item.kind === 'expression' && item.raw === placeholder && param.kind === 'list'
            ? param.items
            : [substituteValue(item, placeholder, param, ctx)],
        ),
      };
    case 'classad':
      return {
        kind: 'classad',
        attributes: value.attributes.map((a) => ({
          name: a.name,
          value: substituteValue(a.value, placeholder, param, ctx),
        })),
      };
    case 'number':
    case 'boolean':
      return value;
  }
}

/** Every `placeholder` in `text` replaced by the parameter's text; refused before it grows too long. */
function replaceBounded(text: string, placeholder: string, param: JdlValue, ctx: SubstitutionContext): string {
  const replacement = parameterText(param, ctx.inListAttribute);
  const occurrences = text.split(placeholder).length - 1;
  if (text.length + occurrences * (replacement.length - placeholder.length) > MAX_SUBSTITUTED_LENGTH) {
    throw new JdlParametricError(
      `Parameter substitution makes ${ctx.attribute} longer than ${MAX_SUBSTITUTED_LENGTH} characters`,
    );
  }
  return text.replaceAll(placeholder, replacement);
}

/**
 * An expression after text substitution is read again, so `Seed = 1%n` becomes the number `103`
 * and a parameter that breaks the syntax is refused instead of producing a JDL nobody can read.
 */
function reparse(raw: string, ctx: SubstitutionContext): JdlValue {
  try {
    return parseJdlValue(raw);
  } catch (err) {
    if (!(err instanceof JdlSyntaxError)) throw err;
    throw new JdlParametricError(`Invalid value for ${ctx.attribute} after parameter substitution: ${raw}`);
  }
}
