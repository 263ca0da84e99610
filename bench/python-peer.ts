/**
 * The dirac-agentic-style peer (`bench/dirac_agentic_peer.py`: FastMCP and the DiracX Python
 * client, a new client per tool call): where its Python is, and starting it against our server
 * with one user's token in a DiracX credentials file, as dirac-agentic runs.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnListening, type Spawned } from './process.ts';

export const PEER_INSTALL = 'python3 -m pip install -r bench/requirements.txt';

/** A python (BENCH_PYTHON, else python3 on PATH) that imports FastMCP and the DiracX client, or undefined. */
export function findPeerPython(): string | undefined {
  const python = process.env.BENCH_PYTHON ?? Bun.which('python3');
  if (!python) return undefined;
  const probe = Bun.spawnSync({
    cmd: [python, '-c', 'import fastmcp, uvicorn, diracx.client.aio'],
    stdout: 'ignore',
    stderr: 'ignore',
  });
  return probe.exitCode === 0 ? python : undefined;
}

/** Starts the peer in front of `diracxUrl`, acting with `token` (lhcb_user chaen's). */
export async function startPythonPeer(python: string, diracxUrl: string, token: string, dir: string): Promise<Spawned> {
  const credentials = join(dir, 'peer-credentials.json');
  // The DiracX client's credentials file: an access token valid for the run, no refresh token.
  await writeFile(
    credentials,
    JSON.stringify({ access_token: token, refresh_token: null, expires_on: Math.floor(Date.now() / 1000) + 3600 }),
  );
  return spawnListening({
    cmd: [python, new URL('./dirac_agentic_peer.py', import.meta.url).pathname],
    env: { ...process.env, DIRACX_URL: diracxUrl, DIRACX_CREDENTIALS_PATH: credentials, PORT: '0' },
    logFile: join(dir, 'python-peer.log'),
    listening: /"msg":"listening","port":(\d+)/,
  });
}
