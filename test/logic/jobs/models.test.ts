/**
 * The wire models of the status, heartbeat and metadata operations: datetimes parsed as pydantic
 * parses them (ISO, Python's str(), unix time; naive kept apart), serialised as pydantic does,
 * integer job-id keys, status enum, unknown keys ignored in status updates and refused in
 * heartbeats, and the metadata coercions.
 */
import { describe, expect, it } from 'bun:test';
import {
  formatUtc,
  HeartbeatBodySchema,
  JobMetaDataSchema,
  JobStatusChangesSchema,
  JobStatusUpdateSchema,
  parseTimestamp,
} from '../../../src/logic/jobs/models.ts';

const us = (iso: string): number => Date.parse(iso) * 1000;

describe('parseTimestamp', () => {
  it.each([
    ['2025-06-01T12:00:00Z', us('2025-06-01T12:00:00Z'), 0],
    ['2025-06-01T12:00:00.123456+00:00', us('2025-06-01T12:00:00.123Z') + 456, 0],
    ['2025-06-01 14:00:00+02:00', us('2025-06-01T12:00:00Z'), 120],
    ['2025-06-01t12:00-0130', us('2025-06-01T13:30:00Z'), -90],
    ['2025-06-01T12:00:00.5z', us('2025-06-01T12:00:00.500Z'), 0],
    ['1748779200', us('2025-06-01T12:00:00Z'), 0],
    ['1748779200500', us('2025-06-01T12:00:00.500Z'), 0],
  ])('reads %s as an aware instant', (text, expectedUs, offset) => {
    expect(parseTimestamp(text)).toMatchObject({ us: expectedUs, offsetMinutes: offset });
  });

  it.each([
    ['2025-06-01T12:00:00', '2025-06-01 12:00:00'],
    ['2025-06-01 12:00:00.123456', '2025-06-01 12:00:00.123456'],
    ['2025-06-01T12:00:00.12', '2025-06-01 12:00:00.120000'],
    ['2025-06-01', '2025-06-01 00:00:00'],
  ])('keeps %s naive and prints it as Python does', (text, pythonStr) => {
    expect(parseTimestamp(text)).toMatchObject({ offsetMinutes: null, pythonStr });
  });

  it.each([
    '',
    'yesterday',
    '2025-13-01T00:00:00Z',
    '2025-02-30T00:00:00Z',
    '2025-06-01T24:00:00Z',
    '2025-06-01T12:00:00+25:00',
    '2025/06/01',
  ])('refuses %p', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  // Found by schemathesis: these threw a RangeError (500) instead of failing validation (422).
  it.each(['99999999999999999', '-99999999999999999'])(
    "refuses the unix time %p, outside Python's datetime range",
    (text) => {
      expect(parseTimestamp(text)).toBeUndefined();
    },
  );
});

describe('formatUtc', () => {
  it('writes microseconds only when there are some, with a Z', () => {
    expect(formatUtc(us('2025-06-01T12:00:00Z'))).toBe('2025-06-01T12:00:00Z');
    expect(formatUtc(us('2025-06-01T12:00:00.120Z'))).toBe('2025-06-01T12:00:00.120000Z');
    expect(formatUtc(us('2025-06-01T12:00:00.123Z') + 456)).toBe('2025-06-01T12:00:00.123456Z');
  });
});

describe('JobStatusChangesSchema', () => {
  it('parses job ids to numbers and defaults the source to "Unknown"', () => {
    const parsed = JobStatusChangesSchema.parse({
      '12': { '2025-06-01T12:00:00Z': { Status: 'Done', Extra: 'ignored' } },
    });
    expect(parsed).toEqual({ 12: { '2025-06-01T12:00:00Z': { Status: 'Done', Source: 'Unknown' } } });
  });

  it('accepts null fields and refuses a null source', () => {
    expect(JobStatusUpdateSchema.parse({ Status: null, MinorStatus: null })).toEqual({
      Status: null,
      MinorStatus: null,
      Source: 'Unknown',
    });
    expect(JobStatusUpdateSchema.safeParse({ Source: null }).success).toBe(false);
  });

  it('refuses statuses outside the API list, unparsable timestamps and non-integer job ids', () => {
    expect(JobStatusChangesSchema.safeParse({ 1: { '2025-06-01T12:00:00Z': { Status: 'Scouting' } } }).success).toBe(
      false,
    );
    expect(JobStatusChangesSchema.safeParse({ 1: { soon: { Status: 'Done' } } }).success).toBe(false);
    expect(JobStatusChangesSchema.safeParse({ one: { '2025-06-01T12:00:00Z': {} } }).success).toBe(false);
  });
});

describe('HeartbeatBodySchema', () => {
  it('coerces numeric strings to floats and refuses unknown keys', () => {
    expect(HeartbeatBodySchema.parse({ 3: { Vsize: '12.5', StandardOutput: 'ok' } })).toEqual({
      3: { Vsize: 12.5, StandardOutput: 'ok' },
    });
    expect(HeartbeatBodySchema.safeParse({ 3: { Vsize: 1, Status: 'Running' } }).success).toBe(false);
    expect(HeartbeatBodySchema.safeParse({ 3: { Vsize: 'big' } }).success).toBe(false);
  });
});

describe('JobMetaDataSchema', () => {
  it('coerces as DiracX models do and keeps unknown keys', () => {
    const parsed = JobMetaDataSchema.parse({
      UserPriority: '3',
      VerifiedFlag: 'true',
      AccountedFlag: 'Failed',
      'NormCPUTime(s)': '1.9e2',
      HeartBeatTime: '2025-06-01 12:00:00+00:00',
      timestamp: 1748779200,
      Anything: [1, 2],
    });
    expect(parsed).toEqual({
      UserPriority: 3,
      VerifiedFlag: true,
      AccountedFlag: 'Failed',
      'NormCPUTime(s)': 190,
      HeartBeatTime: '2025-06-01T12:00:00Z',
      timestamp: '2025-06-01T12:00:00Z',
      Anything: [1, 2],
    });
  });

  it('refuses naive and non-UTC datetimes with pydantic messages', () => {
    const naive = JobMetaDataSchema.safeParse({ EndExecTime: '2025-06-01T12:00:00' });
    expect(naive.error?.issues[0]?.message).toBe('Input should have timezone info');
    expect(JobMetaDataSchema.safeParse({ EndExecTime: '2025-06-01T12:00:00+01:30' }).error?.issues[0]?.message).toBe(
      'Value error, Datetime must be in UTC, got offset 1:30:00',
    );
    const offset = JobMetaDataSchema.safeParse({ EndExecTime: '2025-06-01T12:00:00-05:00' });
    expect(offset.error?.issues[0]?.message).toBe('Value error, Datetime must be in UTC, got offset -1 day, 19:00:00');
  });
});
