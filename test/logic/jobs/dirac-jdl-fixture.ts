/**
 * The DiracX JDL fixture (test/fixtures/diracx-jdl: cases.json, and expected.json from
 * generate.py) with its types, and the cases where we answer differently on purpose
 * (docs/compatibility.md), shared by the logic-level and the REST tests.
 */
import spec from '../../fixtures/diracx-jdl/cases.json' with { type: 'json' };
import expectedJson from '../../fixtures/diracx-jdl/expected.json' with { type: 'json' };

export { spec };

export interface ExpectedJob {
  original_jdl: string;
  jdl: string;
  attributes: { JobName?: string; JobType?: string; JobGroup?: string; Site?: string; UserPriority: number };
  input_data: string[];
  reschedule: { jdl: string; site: string; user_priority: number } | { error: string };
}

/** What DiracX does with one case: an error (its message, or "hang"), or the jobs it creates. */
export interface ExpectedCase {
  name: string;
  error?: string;
  jobs?: ExpectedJob[];
}

export const expected = expectedJson as ExpectedCase[];

/** Cases DiracX stores (or answers with a 500) that we refuse with a 400, and why. */
export const REFUSED_ON_PURPOSE: Record<string, string> = {
  'semicolon in a string': 'DiracX cuts the value at the ";" and stores the rest as a broken attribute',
  'line break in a string': "DiracX's ClassAd reader deletes the line break",
  comment: 'DiracX reads the comment into the next attribute name, losing that attribute',
  'text after a closing quote': 'DiracX drops the text after the closing quote',
  'nested ClassAd last, no semicolon': "DiracX's ClassAd reader fails (IndexError, a 500)",
};

/** Cases where we create other jobs than DiracX on purpose: how many. */
export const EXPANDED_ON_PURPOSE: Record<string, number> = {
  // DiracX submits the template as one job, `%(JOB_ID)s` unexpanded; we expand it.
  'parametric with named sequences only': 3,
};

/** Whether DiracX's answer to the case is ours too (not a deliberate difference). */
export const isReference = (name: string): boolean =>
  REFUSED_ON_PURPOSE[name] === undefined && EXPANDED_ON_PURPOSE[name] === undefined;
