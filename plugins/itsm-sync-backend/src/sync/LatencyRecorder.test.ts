import { latencyQuantile } from '../engine/latencyHistogram';
import { LatencyRecorder } from './LatencyRecorder';

const MINUTE = 60_000;

describe('LatencyRecorder', () => {
  it('hands out finished minutes once and keeps the one in progress', () => {
    const recorder = new LatencyRecorder();
    recorder.record('a', 100, 10 * MINUTE + 5);
    recorder.record('b', 900, 10 * MINUTE + 6);
    recorder.record('a', 300, 11 * MINUTE + 1);

    const finished = recorder.drainFinished(11 * MINUTE + 30_000);
    expect(finished.map(m => [m.integration_id, m.minute])).toEqual([
      ['a', 10 * MINUTE],
      ['b', 10 * MINUTE],
    ]);
    expect(recorder.drainFinished(11 * MINUTE + 40_000)).toEqual([]);
    const live = recorder.unflushed('a');
    expect(live).toHaveLength(1);
    expect(latencyQuantile(live[0].buckets, 0.5)).toBeGreaterThan(250);
  });

  it('takes back a failed flush, giving up minutes older than an hour', () => {
    const recorder = new LatencyRecorder();
    recorder.record('a', 100, 10 * MINUTE);
    recorder.record('a', 100, 100 * MINUTE);
    const finished = recorder.drainFinished(101 * MINUTE);
    recorder.restore(finished, 101 * MINUTE);
    expect(recorder.unflushed('a').map(m => m.minute)).toEqual([100 * MINUTE]);
  });
});
