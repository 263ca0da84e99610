/**
 * A TCP proxy on 127.0.0.1 in front of a real service, for fault injection: it forwards bytes
 * both ways until told to fail, then either refuses connections (the service is down) or
 * accepts them and never answers (the network drops packets), cutting the connections it had.
 * Restoring it listens again on the same port, so URLs handed out before the outage still work.
 */
import type { Socket, TCPSocketListener } from 'bun';

export type Outage = 'refuse' | 'hang';

export interface TcpProxy {
  /** The proxy's port; connect here instead of to the service. */
  readonly port: number;
  /** Starts an outage: cuts every open connection, then refuses or swallows new ones. */
  fail(mode: Outage): void;
  /** Ends the outage: new connections reach the service again. */
  restore(): void;
  stop(): void;
}

interface Pipe {
  /** The service side, once connected. */
  upstream?: Socket<undefined>;
  /** Bytes the client sent before the service side was connected. */
  pending: Uint8Array[];
}

export function startTcpProxy(targetPort: number): TcpProxy {
  const open = new Set<Socket<Pipe>>();
  let mode: Outage | 'up' = 'up';

  const listen = (port: number): TCPSocketListener<Pipe> =>
    Bun.listen<Pipe>({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(client) {
          client.data = { pending: [] };
          open.add(client);
          if (mode === 'hang') return;
          void Bun.connect<undefined>({
            hostname: '127.0.0.1',
            port: targetPort,
            socket: {
              data: (_upstream, bytes) => void client.write(bytes),
              close: () => void client.end(),
              error: () => void client.end(),
            },
          }).then(
            (upstream) => {
              if (!open.has(client)) return void upstream.end();
              client.data.upstream = upstream;
              for (const bytes of client.data.pending.splice(0)) upstream.write(bytes);
            },
            () => void client.end(),
          );
        },
        data(client, bytes) {
          if (mode === 'hang') return;
          const { upstream } = client.data;
          if (upstream) upstream.write(bytes);
          else client.data.pending.push(new Uint8Array(bytes));
        },
        close(client) {
          open.delete(client);
          client.data.upstream?.end();
        },
        error(client) {
          open.delete(client);
          client.data.upstream?.end();
        },
      },
    });

  let listener: TCPSocketListener<Pipe> | undefined = listen(0);
  const port = listener.port;

  const cutAll = (): void => {
    for (const client of open) {
      client.data.upstream?.terminate();
      client.terminate();
    }
    open.clear();
  };

  return {
    port,
    fail(next) {
      mode = next;
      cutAll();
      if (next === 'refuse') {
        listener?.stop(true);
        listener = undefined;
      }
    },
    restore() {
      mode = 'up';
      cutAll();
      listener ??= listen(port);
    },
    stop() {
      listener?.stop(true);
      listener = undefined;
      cutAll();
    },
  };
}
