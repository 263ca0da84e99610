/**
 * @module logic/jobs/jdl/ast
 * The vocabulary shared by the JDL modules: the typed tree of a JDL (ClassAd-style job
 * description), the attribute-name rule, and the three ways a description is refused: it does
 * not parse (`JdlSyntaxError`, with the 1-based line and column of the offending character), DIRAC's
 * own pipeline refuses it (`DiracJdlError`), or its parametric definition is inconsistent
 * (`JdlParametricError`, with DIRAC's message). All
 * are client faults (`INVALID_INPUT`, 400 on the wire, as DiracX answers a bad JDL). No logic.
 */
import { InvalidInputError } from '../../../core/errors.ts';

/** One JDL value. `expression` keeps bare ClassAd text (`other.Site == "X"`, `std.err`) as written. */
export type JdlValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'list'; items: JdlValue[] }
  | { kind: 'expression'; raw: string }
  | { kind: 'classad'; attributes: JdlAttribute[] };

/** `Name = value;` */
export interface JdlAttribute {
  name: string;
  value: JdlValue;
}

/** A whole job description: attributes in document order, names unique. */
export interface JdlDocument {
  attributes: JdlAttribute[];
}

/** Attribute names JDL accepts: a ClassAd identifier, plus the dots of DIRAC's `Parameters.<name>`. */
export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** A number as JDL writes one (`5`, `-3`, `+2.5`, `.5`, `1e3`); anything else is an expression. */
export const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The scalar text of a value as DIRAC's `getAttributeString` sees it: a string's contents, a
 * number's or expression's source text, `true`/`false`. Lists and nested ClassAds have none.
 */
export function scalarText(value: JdlValue): string | undefined {
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'number':
    case 'expression':
      return value.raw;
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'list':
    case 'classad':
      return undefined;
  }
}

/** A JDL text that is not well-formed; `message` is `line L, column C: <reason>`. */
export class JdlSyntaxError extends InvalidInputError {
  /** 1-based line of the offending character. */
  readonly line: number;
  /** 1-based column (UTF-16 code units, tabs count as one) of the offending character. */
  readonly column: number;
  /** The message without the position prefix, e.g. `expected "=" but found ";"`. */
  readonly reason: string;

  constructor(line: number, column: number, reason: string) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/**
 * A job description DiracX's own JDL pipeline (DIRACCommon's `ClassAd`, `loadJDLAsCFG`,
 * `JobManifest.check`) refuses, or would store mangled or never finish reading; the message is
 * DIRAC's where DIRAC has one.
 */
export class DiracJdlError extends InvalidInputError {
  constructor(message: string) {
    super(message);
  }
}

/**
 * A parametric job description DIRAC would refuse. The message is the text DIRAC's
 * `ParametricJob.py` puts inside its `Invalid job description ( 1501 : ...)` wrapper.
 */
export class JdlParametricError extends InvalidInputError {
  constructor(message: string) {
    super(message);
  }
}
