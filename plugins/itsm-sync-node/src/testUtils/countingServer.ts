import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP listener on a given loopback address that counts every request it receives:
 * the outbound-policy tests prove a refusal by showing a listener that was never reached.
 * @public
 */
export interface CountingServer {
  host: string;
  port: number;
  /** `http://host:port` (IPv6 hosts in brackets). */
  origin: string;
  /** Requests received so far. */
  hits: number;
  /** Authorization headers received, to prove credentials were (not) sent. */
  authorizations: string[];
  close(): Promise<void>;
}

/** Starts a counting listener; `handle` answers (default: 200 `{"ok":true}`). @public */
export async function startCountingServer(
  host: string,
  handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  },
): Promise<CountingServer> {
  const state = { hits: 0, authorizations: [] as string[] };
  const server = createServer((req, res) => {
    state.hits += 1;
    if (req.headers.authorization)
      state.authorizations.push(req.headers.authorization);
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    get hits() {
      return state.hits;
    },
    get authorizations() {
      return state.authorizations;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
