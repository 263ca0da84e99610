/**
 * @module process/rss-command
 * The commands of `bun run rss` over an opened database: `list` the current statuses, `set` one
 * (a site, compute element, storage element or FTS server, for every VO or one), `delete` one.
 * DiracX only reads ResourceStatusDB (legacy DIRAC's Resource Status System fills it); this is
 * how an administrator fills it without DIRAC. Parsing and printing only: the rules are
 * `logic/rss/admin.ts`'s. Exit status: 0 done, 1 a delete that found nothing, 2 a usage or
 * input error.
 */
import { parseArgs } from 'node:util';
import { DiracxError } from '../core/errors.ts';
import type { Database } from '../db/database.ts';
import { deleteRssStatus, listRssStatuses, setRssStatus, type RssTarget } from '../logic/rss/admin.ts';
import { RSS_KINDS, RSS_STATUSES, type RssKind, type StorageAccess } from '../logic/rss/models.ts';

export const RSS_USAGE = `usage: bun run rss <command>
  list [KIND...] [--json]                        the current statuses (all kinds by default)
  set KIND NAME STATUS [--reason TEXT] [--vo VO] [--access ACCESS,...]
  delete KIND NAME [--vo VO] [--access ACCESS,...]

  KIND    ${RSS_KINDS.join(', ')}
  STATUS  ${RSS_STATUSES.join(', ')} (Active and Degraded let work through)
  --vo      the VO the status applies to (default: all, every VO; a VO's own status overrides it)
  --access  storage elements only: read, write, check, remove (default: all four)
  --reason  why, shown to users and agents (default: the status itself)

example: bun run rss set site LCG.CERN.cern Banned --reason "Downtime until Monday"`;

export interface RssCommandDeps {
  database: Database;
  now: () => Date;
  /** Where lines go (standard output in the CLI). */
  out: (line: string) => void;
  /** Where errors go (standard error in the CLI). */
  err: (line: string) => void;
}

class UsageError extends Error {}

function kindOf(value: string | undefined): RssKind {
  if (value === undefined || !(RSS_KINDS as readonly string[]).includes(value)) {
    throw new UsageError(`KIND must be one of ${RSS_KINDS.join(', ')}${value ? `, got ${value}` : ''}`);
  }
  return value as RssKind;
}

function targetOf(kind: string | undefined, name: string | undefined, vo?: string, access?: string): RssTarget {
  if (name === undefined) throw new UsageError('NAME is missing');
  const accesses = access?.split(',').map((a) => a.trim()) as StorageAccess[] | undefined;
  return { kind: kindOf(kind), name, vo, accesses };
}

/** Fixed-width columns, for `list` (the last one unpadded). */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
  );
}

async function run(argv: readonly string[], deps: RssCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      reason: { type: 'string' },
      vo: { type: 'string' },
      access: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    deps.out(RSS_USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (command === 'list') {
    const listings = await listRssStatuses(deps, rest.length ? rest.map(kindOf) : undefined);
    if (values.json) deps.out(JSON.stringify(listings, null, 2));
    else if (listings.length === 0) deps.out('no statuses');
    else {
      const header = ['KIND', 'NAME', 'STATUSTYPE', 'VO', 'STATUS', 'SINCE', 'REASON'];
      const rows = listings.map((l) => [l.kind, l.name, l.statusType, l.vo, l.status, l.dateEffective, l.reason]);
      for (const line of table([header, ...rows])) deps.out(line);
    }
    return 0;
  }
  if (command === 'set') {
    const [kind, name, status, ...extra] = rest;
    if (status === undefined || extra.length) throw new UsageError('set takes KIND NAME STATUS');
    const target = targetOf(kind, name, values.vo, values.access);
    const types = await setRssStatus(deps, { ...target, status, reason: values.reason });
    deps.out(`${target.kind} ${target.name} (${types.join(', ')}; VO ${target.vo ?? 'all'}): ${status}`);
    return 0;
  }
  if (command === 'delete') {
    const [kind, name, ...extra] = rest;
    if (extra.length) throw new UsageError('delete takes KIND NAME');
    const target = targetOf(kind, name, values.vo, values.access);
    const deleted = await deleteRssStatus(deps, target);
    if (deleted.length === 0) {
      deps.err(`no status of ${target.kind} ${target.name} for VO ${target.vo ?? 'all'}`);
      return 1;
    }
    deps.out(`deleted ${target.kind} ${target.name} (${deleted.join(', ')}; VO ${target.vo ?? 'all'})`);
    return 0;
  }
  throw new UsageError(`unknown command ${command}`);
}

/** Runs one `bun run rss` command; returns the exit status. Input errors are reported, not thrown. */
export async function runRssCommand(argv: readonly string[], deps: RssCommandDeps): Promise<number> {
  try {
    return await run(argv, deps);
  } catch (err) {
    const usage =
      err instanceof UsageError || (err instanceof Error && 'code' in err && /^ERR_PARSE_ARGS/.test(String(err.code)));
    if (!usage && !(err instanceof DiracxError && err.code === 'INVALID_INPUT')) throw err;
    deps.err(`diracx: rss: ${err.message}`);
    if (usage) deps.err(RSS_USAGE);
    return 2;
  }
}
