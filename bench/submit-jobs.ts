/**
 * `bun run bench/submit-jobs.ts [jobs] [clients]`: submits `jobs` (10 000) jobs through
 * `POST /api/jobs/jdl` in requests of 20 JDLs (the most a normal user may send) from `clients`
 * (8) concurrent clients, and prints jobs per second, next to one client alone on the same
 * server (the ratio is what to compare between runs; absolute numbers depend on the machine).
 */
import { startBenchServer } from './server.ts';

const TOTAL = Number(Bun.argv[2] ?? 10_000);
const CLIENTS = Number(Bun.argv[3] ?? 8);
const PER_REQUEST = 20;

const server = await startBenchServer();
try {
  const tokens = await Promise.all([
    server.token('lhcb', 'lhcb_user', 'chaen'),
    server.token('lhcb', 'lhcb_user', 'albdr'),
  ]);
  const body = JSON.stringify(
    Array.from(
      { length: PER_REQUEST },
      (_, i) => `[Executable = "bench"; Arguments = "job ${i} %j"; JobName = "bench";]`,
    ),
  );
  const submit = async (token: string): Promise<void> => {
    const res = await fetch(`${server.url}/api/jobs/jdl`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    if (res.status !== 201) throw new Error(`submission failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const run = async (requests: number, clients: number): Promise<number> => {
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        while (next < requests) {
          next++;
          await submit(tokens[c % tokens.length]!);
        }
      }),
    );
    return (requests * PER_REQUEST) / ((performance.now() - start) / 1000);
  };
  await run(10, 2); // warm-up
  const single = await run(Math.max(10, Math.floor(TOTAL / PER_REQUEST / 10)), 1);
  const concurrent = await run(Math.ceil(TOTAL / PER_REQUEST), CLIENTS);
  console.log(
    `jobs submitted: ${Math.ceil(TOTAL / PER_REQUEST) * PER_REQUEST} in requests of ${PER_REQUEST}, ${CLIENTS} clients`,
  );
  console.log(`throughput, ${CLIENTS} clients: ${concurrent.toFixed(0)} jobs/s`);
  console.log(`throughput, 1 client:  ${single.toFixed(0)} jobs/s`);
  console.log(`ratio concurrent/single: ${(concurrent / single).toFixed(2)}`);
} finally {
  await server.stop();
}
