import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatorServer } from '@itsm-sync-hub/simulators';

/** One vendor call as the simulator saw it: when it arrived, when it was answered, and how. */
export interface Arrival {
  method: string;
  path: string;
  arrivedAt: number;
  finishedAt: number;
  status: number;
  retryAfterSeconds?: number;
}

/**
 * Records the arrival time of every vendor call. The simulator's own call log stamps a
 * call when it is answered, which for a held (timeout) call is long after it arrived;
 * "no call before Retry-After" is about arrivals, so it is checked against these.
 */
export function recordArrivals(server: SimulatorServer): Arrival[] {
  const arrivals: Arrival[] = [];
  const target = server as unknown as {
    handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  };
  const original = target.handle.bind(server);
  target.handle = (req, res) => {
    const arrivedAt = Date.now();
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (!path.startsWith('/__admin')) {
      res.once('finish', () => {
        const retryAfter = res.getHeader('retry-after');
        arrivals.push({
          method: req.method ?? 'GET',
          path,
          arrivedAt,
          finishedAt: Date.now(),
          status: res.statusCode,
          ...(retryAfter !== undefined
            ? { retryAfterSeconds: Number(retryAfter) }
            : {}),
        });
      });
    }
    return original(req, res);
  };
  return arrivals;
}
