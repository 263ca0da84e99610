/**
 * MCP against REST on the same server, same user and same search (`tools/call search_jobs` vs
 * `POST /api/jobs/search`), at the MCP tools' default page (10 rows) and largest page (100);
 * then the same tool call through a standalone MCP server of the dirac-agentic kind
 * (`bench/standalone-proxy.ts`, which calls our REST API over HTTP, with a kept-alive
 * connection or a new one per call), and through a server built as dirac-agentic's is
 * (`bench/dirac_agentic_peer.py`: FastMCP with a new DiracX Python client per call), vs our
 * co-deployed `/mcp`, all measured side by side.
 */
import { join } from 'node:path';
import { measureGroup } from '../measure.ts';
import { spawnListening, type Spawned } from '../process.ts';
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
import { startPythonPeer } from '../python-peer.ts';
import { checkMcpSearch, checkRestSearch, mcpSearch, restSearch } from '../requests.ts';
import type { BenchContext, SectionOutput } from './context.ts';

export interface McpVsRest {
  perPage: number;
  rows: number;
  rest: Measured;
  mcp: Measured;
  /** MCP relative to REST. */
  ratio: Ratios;
}

export interface ProxyVsCoDeployed {
  coDeployed: Measured;
  proxy: Measured;
  proxyFreshConnections: Measured;
  /** The dirac-agentic-style server (FastMCP, a new DiracX client per call). */
  pythonPeer: Measured;
  /** The standalone proxy relative to the co-deployed endpoint. */
  ratio: Ratios;
  ratioFreshConnections: Ratios;
  ratioPythonPeer: Ratios;
}

export interface McpResults {
  mcpVsRest: McpVsRest[];
  proxy: ProxyVsCoDeployed;
}

const PAGES = [10, 100] as const;
const sameIds = (a: unknown[], b: unknown[]): boolean => JSON.stringify(a) === JSON.stringify(b);

async function compareWithRest(ctx: BenchContext): Promise<McpVsRest[]> {
  const probes = [];
  const rows: number[] = [];
  for (const perPage of PAGES) {
    const restReq = restSearch(ctx.server.url, ctx.tokens.rest, perPage);
    const mcpReq = mcpSearch(`${ctx.server.url}/mcp`, ctx.tokens.mcp, perPage);
    const restIds = await checkRestSearch(restReq);
    if (!sameIds(restIds, await checkMcpSearch(mcpReq)))
      throw new Error(`REST and MCP searches answer different rows (per_page ${perPage})`);
    rows.push(restIds.length);
    probes.push({ name: `REST search, per_page ${perPage}`, req: restReq, cpuPids: [ctx.server.pid] });
    probes.push({ name: `MCP search_jobs, per_page ${perPage}`, req: mcpReq, cpuPids: [ctx.server.pid] });
  }
  const m = await measureGroup(probes, ctx.load, ctx.sample);
  return PAGES.map((perPage, i) => ({
    perPage,
    rows: rows[i]!,
    rest: m[2 * i]!,
    mcp: m[2 * i + 1]!,
    ratio: ratios(m[2 * i + 1]!, m[2 * i]!),
  }));
}

function startProxy(ctx: BenchContext, fresh: boolean): Promise<Spawned> {
  return spawnListening({
    cmd: [process.execPath, 'run', new URL('../standalone-proxy.ts', import.meta.url).pathname],
    env: { ...process.env, DIRACX_URL: ctx.server.url, PROXY_FRESH_CONNECTIONS: fresh ? '1' : '0' },
    logFile: join(ctx.dir, fresh ? 'proxy-fresh.log' : 'proxy.log'),
    listening: /"msg":"listening","port":(\d+)/,
  });
}

async function compareWithProxy(ctx: BenchContext): Promise<ProxyVsCoDeployed> {
  const started: Spawned[] = [];
  const track = <T extends Spawned>(p: T): T => {
    started.push(p);
    return p;
  };
  try {
    const kept = await startProxy(ctx, false).then(track);
    const fresh = await startProxy(ctx, true).then(track);
    const peer = await startPythonPeer(ctx.pythonPeer, ctx.server.url, ctx.tokens.rest, ctx.dir).then(track);
    const coDeployedReq = mcpSearch(`${ctx.server.url}/mcp`, ctx.tokens.mcp, 10);
    // The standalone servers do not check tokens: the TS proxy forwards the caller's REST
    // token, the Python peer uses the one in its credentials file (as dirac-agentic does).
    const keptReq = mcpSearch(`http://127.0.0.1:${kept.port}/mcp`, ctx.tokens.rest, 10);
    const freshReq = mcpSearch(`http://127.0.0.1:${fresh.port}/mcp`, ctx.tokens.rest, 10);
    const peerReq = mcpSearch(`http://127.0.0.1:${peer.port}/mcp`, ctx.tokens.rest, 10);
    const expected = await checkMcpSearch(coDeployedReq);
    for (const req of [keptReq, freshReq, peerReq])
      if (!sameIds(await checkMcpSearch(req), expected)) throw new Error(`${req.url} answers other rows`);
    const [coDeployed, proxy, proxyFreshConnections, pythonPeer] = (await measureGroup(
      [
        { name: 'co-deployed /mcp search_jobs', req: coDeployedReq, cpuPids: [ctx.server.pid] },
        { name: 'standalone proxy search_jobs', req: keptReq, cpuPids: [ctx.server.pid, kept.pid] },
        {
          name: 'standalone proxy search_jobs, new connection per call',
          req: freshReq,
          cpuPids: [ctx.server.pid, fresh.pid],
        },
        {
          name: 'dirac-agentic-style server (FastMCP + DiracX client) search_jobs',
          req: peerReq,
          cpuPids: [ctx.server.pid, peer.pid],
        },
      ],
      ctx.load,
      ctx.sample,
    )) as [Measured, Measured, Measured, Measured];
    return {
      coDeployed,
      proxy,
      proxyFreshConnections,
      pythonPeer,
      ratio: ratios(proxy, coDeployed),
      ratioFreshConnections: ratios(proxyFreshConnections, coDeployed),
      ratioPythonPeer: ratios(pythonPeer, coDeployed),
    };
  } finally {
    for (const p of started) await p.stop();
  }
}

export async function mcpSection(ctx: BenchContext): Promise<SectionOutput<McpResults>> {
  console.log('== MCP tools/call search_jobs vs REST POST /api/jobs/search');
  const mcpVsRest = await compareWithRest(ctx);
  console.log('== standalone MCP proxy (calls REST over HTTP) vs co-deployed /mcp');
  const proxy = await compareWithProxy(ctx);
  const tables = [
    table(
      'MCP `tools/call search_jobs` vs `POST /api/jobs/search` (same user, same query)',
      ['request', 'rows', ...MEASURED_HEADERS],
      mcpVsRest.flatMap((r) => [
        [`REST, per_page ${r.perPage}`, r.rows, ...measuredRow(r.rest)],
        [`MCP, per_page ${r.perPage}`, r.rows, ...measuredRow(r.mcp)],
      ]),
    ),
    table(
      'MCP / REST',
      ['page', ...RATIO_HEADERS],
      mcpVsRest.map((r) => [`per_page ${r.perPage}`, ...ratioRow(r.ratio)]),
    ),
    table(
      'Standalone MCP servers (dirac-agentic kind) vs co-deployed `/mcp`, ' +
        '`search_jobs` per_page 10 (CPU/req: server, plus the proxy for its rows)',
      ['MCP server', ...MEASURED_HEADERS],
      [
        ['co-deployed `/mcp`', ...measuredRow(proxy.coDeployed)],
        ['standalone proxy → REST (kept-alive connection)', ...measuredRow(proxy.proxy)],
        ['standalone proxy → REST (new connection per call)', ...measuredRow(proxy.proxyFreshConnections)],
        ['dirac-agentic-style: FastMCP + new DiracX client per call → REST', ...measuredRow(proxy.pythonPeer)],
      ],
    ),
    table(
      'Standalone server / co-deployed',
      ['proxy', ...RATIO_HEADERS],
      [
        ['kept-alive connection', ...ratioRow(proxy.ratio)],
        ['new connection per call', ...ratioRow(proxy.ratioFreshConnections)],
        ['dirac-agentic-style (FastMCP + DiracX client)', ...ratioRow(proxy.ratioPythonPeer)],
      ],
    ),
  ];
  return { tables, results: { mcpVsRest, proxy } };
}
