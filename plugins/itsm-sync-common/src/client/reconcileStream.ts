import type { ReconcileRunResponse } from '../api';

/** One line of the reconcile NDJSON stream. */
type ReconcileEvent =
  | { type: 'progress'; checked: number; total: number }
  | { type: 'result'; run: ReconcileRunResponse }
  | { type: 'error'; message?: string; error?: { message?: string } };

/** Splits a byte stream into parsed NDJSON lines. */
async function* ndjsonLines(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffered = '';
  const parse = (line: string) => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(
        'The backend sent a reconcile progress line that is not JSON',
      );
    }
  };
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield parse(line);
      newline = buffered.indexOf('\n');
    }
  }
  const rest = (buffered + decoder.decode()).trim();
  if (rest) yield parse(rest);
}

/**
 * Reads a reconcile stream to its result, reporting progress on the way. A stream that
 * ends without a result (the server died mid-run) is a failure, not an empty success.
 */
export async function readReconcileStream(
  body: AsyncIterable<Uint8Array>,
  onProgress: (checked: number, total: number) => void,
): Promise<ReconcileRunResponse> {
  for await (const raw of ndjsonLines(body)) {
    const event = raw as ReconcileEvent;
    if (event?.type === 'progress')
      onProgress(Number(event.checked) || 0, Number(event.total) || 0);
    else if (event?.type === 'result') return event.run;
    else if (event?.type === 'error') {
      throw new Error(
        `Reconcile failed: ${event.message ?? event.error?.message ?? 'unknown error'}`,
      );
    }
  }
  throw new Error('The reconcile stream ended before a result arrived');
}
