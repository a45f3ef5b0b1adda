/** A webhook a simulator sends (or, in capture mode, only builds). */
export interface OutgoingWebhook {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  rawBody: Buffer;
}

/** Where a simulator sends its webhooks. */
export interface WebhookTarget {
  /** The hub's `/api/itsm-sync/v1/webhooks/{integration}` URL; none means capture only. */
  url?: string;
  secret: string;
}

/**
 * Delivers webhooks like a vendor: a POST of the exact bytes that were signed, with a
 * few retries on failure. Every webhook built is kept in `sent` so tests can replay it.
 */
export class WebhookSender {
  readonly sent: OutgoingWebhook[] = [];
  readonly deliveries: Array<{ url: string; status: number | 'error' }> = [];

  async send(
    webhook: OutgoingWebhook,
    attempts = 3,
  ): Promise<number | 'error'> {
    this.sent.push(webhook);
    if (this.sent.length > 10_000) this.sent.shift();
    let last: number | 'error' = 'error';
    for (let i = 0; i < attempts; i++) {
      try {
        const res = await fetch(webhook.url, {
          method: 'POST',
          headers: webhook.headers,
          body: webhook.rawBody,
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        last = res.status;
        if (res.status < 500) break;
      } catch {
        last = 'error';
      }
      await new Promise(r => setTimeout(r, 200 * (i + 1)));
    }
    this.deliveries.push({ url: webhook.url, status: last });
    return last;
  }
}
