/**
 * @module logic/jobs/jdl/attributes
 * Reading and writing a parsed JDL's attributes the way DIRAC's job logic reads them
 * (`ClassAd.getAttributeString`, `getListFromExpression`, `getAttributeInt`). Lookups are
 * case-sensitive, as in DIRAC: `ClassAdLight` and the CFG built by `loadJDLAsCFG` are plain
 * dictionaries keyed by the name as written (Condor ClassAds ignore case; DIRAC never did).
 * Documents are values: the setters return a new document. No parsing here.
 */
import { NUMBER_PATTERN, scalarText, type JdlDocument, type JdlValue } from './ast.ts';
import { printValue } from './print.ts';

/** The value of `name`, or `undefined` when the document has no such attribute. */
export function getAttribute(doc: JdlDocument, name: string): JdlValue | undefined {
  return doc.attributes.find((a) => a.name === name)?.value;
}

/** `Executable = "x"` and `JobType = User` both give their text; a list gives `undefined`. */
export function getString(doc: JdlDocument, name: string): string | undefined {
  const value = getAttribute(doc, name);
  return value === undefined ? undefined : scalarText(value);
}

/**
 * The items of a list attribute as text (nested lists as compact JDL, `{"a", "b"}`). A scalar
 * counts as a comma-separated list, as DIRAC's `getListFromExpression` and `List.fromChar` read
 * `InputData = "a, b"`: items trimmed, empty ones dropped (so `""` is the empty list).
 */
export function getList(doc: JdlDocument, name: string): string[] | undefined {
  const value = getAttribute(doc, name);
  if (value === undefined || value.kind === 'classad') return undefined;
  if (value.kind === 'list') {
    return value.items.map((item) => scalarText(item) ?? printValue(item));
  }
  const text = scalarText(value) ?? '';
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * A numeric attribute. Like DIRAC's `getAttributeInt`/`getAttributeFloat`, which strip the
 * quotes first, `Priority = "5"` is the number 5; anything not numeric gives `undefined`.
 */
export function getNumber(doc: JdlDocument, name: string): number | undefined {
  const value = getAttribute(doc, name);
  if (value === undefined) return undefined;
  if (value.kind === 'number') return value.value;
  const text = scalarText(value)?.trim();
  return text !== undefined && NUMBER_PATTERN.test(text) ? Number(text) : undefined;
}

/** A copy of `doc` with `name` set: replaced where it stands, or appended (DIRAC's dict semantics). */
export function setAttribute(doc: JdlDocument, name: string, value: JdlValue): JdlDocument {
  const index = doc.attributes.findIndex((a) => a.name === name);
  const attributes = [...doc.attributes];
  if (index === -1) attributes.push({ name, value });
  else attributes[index] = { name, value };
  return { attributes };
}

/** A copy of `doc` without `name` (the same content when it was absent). */
export function removeAttribute(doc: JdlDocument, name: string): JdlDocument {
  return { attributes: doc.attributes.filter((a) => a.name !== name) };
}
