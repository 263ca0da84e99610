/**
 * The ceiling: a bare `Bun.serve` process answering a constant JSON next to the cheapest
 * authenticated REST route, `GET /api/auth/userinfo` (token verification, routing, access
 * log, no database).
 */
import { join } from 'node:path';
import { measureGroup } from '../measure.ts';
import { spawnListening } from '../process.ts';
import {
  MEASURED_HEADERS,
  RATIO_HEADERS,
  measuredRow,
  ratioRow,
  ratios,
  table,
  type Measured,
  type Ratios,
} from '../report.ts';
import { check, restUserinfo } from '../requests.ts';
import type { BenchContext, SectionOutput } from './context.ts';

export interface CeilingResults {
  bare: Measured;
  userinfo: Measured;
  /** userinfo relative to the bare server. */
  ratio: Ratios;
}

export async function ceilingSection(ctx: BenchContext): Promise<SectionOutput<CeilingResults>> {
  console.log('== ceiling: bare Bun.serve vs authenticated REST');
  const bareProc = await spawnListening({
    cmd: [process.execPath, 'run', new URL('../ceiling-server.ts', import.meta.url).pathname],
    env: { ...process.env },
    logFile: join(ctx.dir, 'ceiling.log'),
    listening: /"msg":"listening","port":(\d+)/,
  });
  try {
    const bareReq = { url: `http://127.0.0.1:${bareProc.port}/`, method: 'GET' as const };
    await check(bareReq);
    const userinfoReq = restUserinfo(ctx.server.url, ctx.tokens.rest);
    await check(userinfoReq);
    const [bare, userinfo] = (await measureGroup(
      [
        { name: 'bare Bun.serve constant', req: bareReq, cpuPids: [bareProc.pid] },
        { name: 'GET /api/auth/userinfo', req: userinfoReq, cpuPids: [ctx.server.pid] },
      ],
      ctx.load,
      ctx.sample,
    )) as [Measured, Measured];
    const ratio = ratios(userinfo, bare);
    const tables = [
      table(
        'Ceiling: bare Bun.serve vs an authenticated REST request',
        ['request', ...MEASURED_HEADERS],
        [
          ['bare `Bun.serve` returning a constant JSON', ...measuredRow(bare)],
          ['`GET /api/auth/userinfo` (bearer token)', ...measuredRow(userinfo)],
        ],
      ),
      table('Ceiling ratio (authenticated REST / bare)', RATIO_HEADERS, [ratioRow(ratio)]),
    ];
    return { tables, results: { bare, userinfo, ratio } };
  } finally {
    await bareProc.stop();
  }
}
