/**
 * nginx in front of a mixed fleet (the real DiracX 0.7.0 and our server), running
 * deploy/nginx/diracx-codeployed.conf as docs/co-deployment.md tells an administrator to, on
 * plain HTTP at 127.0.0.1, as two nginx processes that differ in the `diracx_api` upstream only:
 *  - `split`: the rest of `/api` to DiracX alone;
 *  - `roundRobin`: the rest of `/api` to ours and DiracX's in turn.
 * Every answer names the upstream that gave it in `X-Fleet-Upstream` (`ours` or `diracx`).
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePort, REPO_ROOT, waitFor } from '../harness/server-process.ts';

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

const SNIPPET = join(REPO_ROOT, 'deploy/nginx/diracx-codeployed.conf');

function fleetNginxConfig(dir: string, options: FleetNginxOptions, port: number, api: 'diracx' | 'both'): string {
  const { ours, diracx } = options;
  return [
    'worker_processes 1;',
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`),
    `  upstream diracx_mcp { server ${ours}; }`,
    `  upstream diracx_python { server ${diracx}; }`,
    api === 'both'
      ? `  upstream diracx_api { server ${ours}; server ${diracx}; }`
      : `  upstream diracx_api { server ${diracx}; }`,
    `  map $upstream_addr $fleet_upstream { ${ours} ours; ${diracx} diracx; default unknown; }`,
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    add_header X-Fleet-Upstream $fleet_upstream always;',
    `    include ${SNIPPET};`,
    '  }',
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

interface NginxProcess {
  base: string;
  output(): string;
  stop(): Promise<void>;
}

async function startNginx(dir: string, config: string, port: number): Promise<NginxProcess> {
  if (!NGINX) throw new Error('no nginx (apt-get install nginx)');
  await mkdir(dir, { recursive: true });
  // nginx's workers (nobody, when the test runs as root) create temp files under it.
  await chmod(dir, 0o755);
  const configPath = join(dir, 'nginx.conf');
  await writeFile(configPath, config);
  const args = ['-p', dir, '-c', configPath, '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr;`];
  await run([NGINX, '-t', '-q', ...args]);
  const proc = Bun.spawn({ cmd: [NGINX, ...args], stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' });
  const stderr: string[] = [];
  void (async () => {
    for await (const chunk of proc.stderr) stderr.push(new TextDecoder().decode(chunk));
  })();
  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    proc.kill('SIGQUIT');
    await proc.exited;
  };
  try {
    await waitFor(async () => (await fetch(`${base}/.well-known/dirac-metadata`)).status === 200, {
      timeoutMs: 10_000,
      description: `nginx on ${port}`,
    });
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${stderr.join('')}`);
  }
  return { base, output: () => stderr.join(''), stop };
}

export async function startFleetNginx(options: FleetNginxOptions): Promise<FleetNginx> {
  const ports = options.ports ?? { split: findFreePort(), roundRobin: findFreePort() };
  await chmod(options.dir, 0o755);
  const splitDir = join(options.dir, 'nginx-split');
  const split = await startNginx(splitDir, fleetNginxConfig(splitDir, options, ports.split, 'diracx'), ports.split);
  const bothDir = join(options.dir, 'nginx-round-robin');
  let both: NginxProcess;
  try {
    both = await startNginx(bothDir, fleetNginxConfig(bothDir, options, ports.roundRobin, 'both'), ports.roundRobin);
  } catch (err) {
    await split.stop();
    throw err;
  }
  return {
    split: split.base,
    roundRobin: both.base,
    output: () => split.output() + both.output(),
    stop: async () => {
      await Promise.all([split.stop(), both.stop()]);
    },
  };
}
