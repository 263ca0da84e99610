/**
 * nginx in front of a mixed fleet (the real DiracX 0.7.0 and our server), routed as
 * docs/co-deployment.md's Ingress does, on two plain-HTTP ports of 127.0.0.1:
 *  - `split`: `/mcp`, `/.well-known/oauth-authorization-server`, `/.well-known/oauth-protected-resource`
 *    (and their path-inserted forms) and `/api/auth/` to us; everything else to DiracX;
 *  - `roundRobin`: the same, except that the rest of `/api` goes to both in turn, and the two
 *    job-parameter routes (`/api/jobs/heartbeat`, `/api/jobs/metadata`) to DiracX alone.
 * Every answer names the upstream that gave it in `X-Fleet-Upstream` (`ours` or `diracx`).
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePort, waitFor } from '../harness/server-process.ts';

export const NGINX = Bun.which('nginx') ?? Bun.which('nginx', { PATH: '/usr/sbin:/sbin' });

export interface FleetNginx {
  /** `http://127.0.0.1:<port>`: the co-deployment's routing. */
  split: string;
  /** `http://127.0.0.1:<port>`: `/api` round-robin between both. */
  roundRobin: string;
  /** nginx's stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface FleetNginxOptions {
  /** A scratch directory of the caller's. */
  dir: string;
  /** `host:port` of each upstream. */
  ours: string;
  diracx: string;
  /** The two listening ports, chosen by the caller (the issuer names `split` before nginx starts). */
  ports?: FleetPorts;
}

export interface FleetPorts {
  split: number;
  roundRobin: number;
}

/** The locations both ports share: what the co-deployment sends to us. */
const OURS_LOCATIONS = [
  'location /mcp { proxy_pass http://ours; }',
  'location /.well-known/oauth-authorization-server { proxy_pass http://ours; }',
  'location /.well-known/oauth-protected-resource { proxy_pass http://ours; }',
  'location /api/auth/ { proxy_pass http://ours; }',
];

function serverBlock(port: number, apiUpstream: 'diracx' | 'both'): string[] {
  return [
    'server {',
    `  listen 127.0.0.1:${port};`,
    '  add_header X-Fleet-Upstream $fleet_upstream always;',
    ...OURS_LOCATIONS.map((l) => `  ${l}`),
    '  location = /api/jobs/heartbeat { proxy_pass http://diracx; }',
    '  location = /api/jobs/metadata { proxy_pass http://diracx; }',
    `  location /api/ { proxy_pass http://${apiUpstream}; }`,
    '  location / { proxy_pass http://diracx; }',
    '}',
  ];
}

function fleetNginxConfig(dir: string, ours: string, diracx: string, ports: FleetPorts): string {
  return [
    'worker_processes 1;',
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`),
    `  upstream ours { server ${ours}; }`,
    `  upstream diracx { server ${diracx}; }`,
    `  upstream both { server ${ours}; server ${diracx}; }`,
    `  map $upstream_addr $fleet_upstream { ${ours} ours; ${diracx} diracx; default unknown; }`,
    '  proxy_http_version 1.1;',
    '  proxy_set_header Connection "";',
    '  proxy_set_header Host $http_host;',
    '  proxy_set_header X-Forwarded-Host $http_host;',
    '  proxy_set_header X-Forwarded-Proto $scheme;',
    '  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '  proxy_buffering off;',
    ...serverBlock(ports.split, 'diracx').map((l) => `  ${l}`),
    ...serverBlock(ports.roundRobin, 'both').map((l) => `  ${l}`),
    '}',
    '',
  ].join('\n');
}

async function run(cmd: string[]): Promise<void> {
  const proc = Bun.spawn({ cmd, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`${cmd.join(' ')} failed with ${code}:\n${out}${err}`);
}

export async function startFleetNginx(options: FleetNginxOptions): Promise<FleetNginx> {
  if (!NGINX) throw new Error('no nginx (apt-get install nginx)');
  const { dir } = options;
  // nginx's workers (nobody, when the test runs as root) create temp files under it.
  await chmod(dir, 0o755);
  const ports = options.ports ?? { split: findFreePort(), roundRobin: findFreePort() };
  const configPath = join(dir, 'nginx.conf');
  await writeFile(configPath, fleetNginxConfig(dir, options.ours, options.diracx, ports));
  const args = ['-p', dir, '-c', configPath, '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr;`];
  await run([NGINX, '-t', '-q', ...args]);
  const proc = Bun.spawn({ cmd: [NGINX, ...args], stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' });
  const stderr: string[] = [];
  void (async () => {
    for await (const chunk of proc.stderr) stderr.push(new TextDecoder().decode(chunk));
  })();
  const split = `http://127.0.0.1:${ports.split}`;
  const roundRobin = `http://127.0.0.1:${ports.roundRobin}`;
  const stop = async (): Promise<void> => {
    proc.kill('SIGQUIT');
    await proc.exited;
  };
  try {
    await waitFor(async () => (await fetch(`${roundRobin}/.well-known/dirac-metadata`)).status === 200, {
      timeoutMs: 10_000,
      description: `nginx on ${ports.split} and ${ports.roundRobin}`,
    });
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${stderr.join('')}`);
  }
  return { split, roundRobin, output: () => stderr.join(''), stop };
}
