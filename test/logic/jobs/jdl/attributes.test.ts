/**
 * The attribute helpers read a parsed JDL as DIRAC's job logic does: getString (quotes or not),
 * getList (a scalar is a comma-separated list), getNumber (`"5"` is 5), exact-case lookups,
 * and setAttribute/removeAttribute returning new documents.
 */
import { describe, expect, it } from 'bun:test';
import {
  getAttribute,
  getList,
  getNumber,
  getString,
  removeAttribute,
  setAttribute,
} from '../../../../src/logic/jobs/jdl/attributes.ts';
import { parseJdl } from '../../../../src/logic/jobs/jdl/parse.ts';
import { TEST_JDL } from './fixtures.ts';

const doc = parseJdl(`[
  Executable = "dirac-jobexec";
  JobType = User;
  Priority = 3;
  CPUTime = "86400";
  Ratio = 2.5e-1;
  Verified = TRUE;
  Bad = "abc";
  InputData = {"/a/b", "/c/d"};
  Nested = {{a, "b"}, "c"};
  Sites = "LCG.CERN.cern, LCG.IN2P3.fr,";
  Empty = "";
  Req = [CPUTime = 1];
]`);

describe('getString', () => {
  it('gives the text of strings, bare words, numbers and booleans', () => {
    expect(getString(doc, 'Executable')).toBe('dirac-jobexec');
    expect(getString(doc, 'JobType')).toBe('User');
    expect(getString(doc, 'Priority')).toBe('3');
    expect(getString(doc, 'Verified')).toBe('true');
  });

  it('gives undefined for a missing attribute, a list or a nested ClassAd', () => {
    expect(getString(doc, 'Nope')).toBeUndefined();
    expect(getString(doc, 'InputData')).toBeUndefined();
    expect(getString(doc, 'Req')).toBeUndefined();
  });

  it('matches names exactly, as DIRAC does', () => {
    expect(getString(doc, 'executable')).toBeUndefined();
    expect(getAttribute(doc, 'EXECUTABLE')).toBeUndefined();
  });
});

describe('getList', () => {
  it('gives the items of a list, nested lists as compact JDL', () => {
    expect(getList(doc, 'InputData')).toEqual(['/a/b', '/c/d']);
    expect(getList(doc, 'Nested')).toEqual(['{a, "b"}', 'c']);
  });

  it('splits a scalar on commas, trimming and dropping empty items', () => {
    expect(getList(doc, 'Sites')).toEqual(['LCG.CERN.cern', 'LCG.IN2P3.fr']);
    expect(getList(doc, 'JobType')).toEqual(['User']);
    expect(getList(doc, 'Empty')).toEqual([]);
  });

  it('gives undefined for a missing attribute or a nested ClassAd', () => {
    expect(getList(doc, 'Nope')).toBeUndefined();
    expect(getList(doc, 'Req')).toBeUndefined();
  });

  it("reads TEST_JDL's bare-word OutputSandbox", () => {
    expect(getList(parseJdl(TEST_JDL), 'OutputSandbox')).toEqual(['Script1_CodeOutput.log', 'std.err', 'std.out']);
  });
});

describe('getNumber', () => {
  it('reads numbers, and numeric strings as DIRAC does after stripping quotes', () => {
    expect(getNumber(doc, 'Priority')).toBe(3);
    expect(getNumber(doc, 'CPUTime')).toBe(86400);
    expect(getNumber(doc, 'Ratio')).toBe(0.25);
  });

  it('gives undefined for text, lists and missing attributes', () => {
    expect(getNumber(doc, 'Bad')).toBeUndefined();
    expect(getNumber(doc, 'JobType')).toBeUndefined();
    expect(getNumber(doc, 'InputData')).toBeUndefined();
    expect(getNumber(doc, 'Nope')).toBeUndefined();
  });
});

describe('setAttribute and removeAttribute', () => {
  it('replaces a value in place and leaves the original document alone', () => {
    const updated = setAttribute(doc, 'JobType', { kind: 'string', value: 'Test' });
    expect(getString(updated, 'JobType')).toBe('Test');
    expect(updated.attributes.map((a) => a.name)).toEqual(doc.attributes.map((a) => a.name));
    expect(getString(doc, 'JobType')).toBe('User');
  });

  it('appends a new attribute at the end', () => {
    const updated = setAttribute(doc, 'Owner', { kind: 'string', value: 'alice' });
    expect(updated.attributes.at(-1)).toEqual({ name: 'Owner', value: { kind: 'string', value: 'alice' } });
  });

  it('removes an attribute, and changes nothing for an absent one', () => {
    expect(getAttribute(removeAttribute(doc, 'JobType'), 'JobType')).toBeUndefined();
    expect(removeAttribute(doc, 'Nope')).toEqual(doc);
  });
});
