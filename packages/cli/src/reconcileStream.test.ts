import { readReconcileStream } from './reconcileStream';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('readReconcileStream', () => {
  it('reads lines split across chunks, reporting progress, up to the result', async () => {
    const seen: Array<[number, number]> = [];
    const run = await readReconcileStream(
      chunks('{"type":"progress","checked":1,"tot', 'al":3}\n{"type":"progress","checked":3,"total":3}\n{"type":"res', 'ult","run":{"id":"r1","checked":3}}'),
      (checked, total) => seen.push([checked, total]),
    );
    expect(seen).toEqual([[1, 3], [3, 3]]);
    expect(run).toEqual({ id: 'r1', checked: 3 });
  });

  it('fails when the stream ends without a result', async () => {
    await expect(readReconcileStream(chunks('{"type":"progress","checked":1,"total":3}\n'), () => {})).rejects.toThrow(
      'The reconcile stream ended before a result arrived',
    );
  });

  it('fails with the server\'s message on an error line', async () => {
    await expect(readReconcileStream(chunks('{"type":"error","message":"vendor unreachable"}\n'), () => {})).rejects.toThrow(
      'Reconcile failed: vendor unreachable',
    );
  });
});
