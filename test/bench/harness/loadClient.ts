import { Agent, request } from 'node:http';

/**
 * The load generator's HTTP client: node:http over a bounded pool of keep-alive
 * connections. Cheaper per request than fetch, so more of the two cores go to the hub,
 * and the same client drives both the measured route and the trivial one it is
 * compared with. Requests beyond the pool wait client-side; their wait counts in the
 * latency measured from the call.
 */
export class LoadClient {
  private readonly agent: Agent;

  constructor(maxSockets = 64) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: Buffer | string,
  ): Promise<{ status: number; body: any }> {
    try {
      return await this.sendOnce(method, url, headers, body);
    } catch (error) {
      // A keep-alive connection the server closed for idleness just as it was reused: the
      // request never reached the server, so it goes again on a new connection.
      if ((error as { reusedSocket?: boolean }).reusedSocket)
        return this.sendOnce(method, url, headers, body);
      throw error;
    }
  }

  private sendOnce(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: Buffer | string,
  ): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const payload =
        body === undefined
          ? undefined
          : Buffer.isBuffer(body)
            ? body
            : Buffer.from(body);
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            ...headers,
            ...(payload ? { 'content-length': String(payload.length) } : {}),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () =>
        req.destroy(new Error(`${method} ${url} timed out`)),
      );
      req.on('error', error => {
        const code = (error as NodeJS.ErrnoException).code;
        reject(
          Object.assign(error, {
            reusedSocket:
              req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE'),
          }),
        );
      });
      req.end(payload);
    });
  }

  json(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: unknown,
  ) {
    return this.send(
      method,
      url,
      {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body === undefined ? undefined : JSON.stringify(body),
    );
  }

  close() {
    this.agent.destroy();
  }
}
