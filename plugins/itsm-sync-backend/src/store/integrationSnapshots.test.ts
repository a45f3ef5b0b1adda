import {
  IntegrationSnapshots,
  type IntegrationWithRules,
} from './integrationSnapshots';
import type { IntegrationRecord } from './types';

const entry = (
  id: string,
  owner: 'platform' | 'external' = 'platform',
): IntegrationWithRules => ({
  integration: {
    id,
    name: id,
    settings: { page_size: 10 },
  } as unknown as IntegrationRecord,
  rules: [{ field: 'title', owner, priority: 1 }],
});

describe('IntegrationSnapshots', () => {
  let now = 0;
  let reads: string[][] = [];
  let stored: Map<string, IntegrationWithRules>;
  const load = async (ids: string[]) => {
    reads.push(ids);
    return ids.flatMap(id => (stored.has(id) ? [stored.get(id)!] : []));
  };
  beforeEach(() => {
    now = 0;
    reads = [];
    stored = new Map([
      ['a', entry('a')],
      ['b', entry('b')],
    ]);
  });

  it('reads only what it does not hold, and again once the time to live has passed', async () => {
    const snapshots = new IntegrationSnapshots(1000, () => now);
    expect(
      (await snapshots.getMany(['a'], load)).map(e => e.integration.id),
    ).toEqual(['a']);
    expect(
      (await snapshots.getMany(['a', 'b', 'a'], load)).map(
        e => e.integration.id,
      ),
    ).toEqual(['a', 'b']);
    expect(reads).toEqual([['a'], ['b']]);
    now = 999;
    await snapshots.getMany(['a', 'b'], load);
    expect(reads).toHaveLength(2);
    stored.set('a', entry('a', 'external'));
    now = 1000;
    expect((await snapshots.getMany(['a'], load))[0].rules[0].owner).toBe(
      'external',
    );
    expect(reads[2]).toEqual(['a']);
  });

  it('forgets everything on a write', async () => {
    const snapshots = new IntegrationSnapshots(1000, () => now);
    await snapshots.getMany(['a'], load);
    stored.set('a', entry('a', 'external'));
    snapshots.forget();
    expect((await snapshots.getMany(['a'], load))[0].rules[0].owner).toBe(
      'external',
    );
  });

  it('does not keep a read that raced a write, nor remember an id it did not find', async () => {
    const snapshots = new IntegrationSnapshots(1000, () => now);
    let release!: () => void;
    const slowLoad = async (ids: string[]) => {
      await new Promise<void>(r => (release = r));
      return load(ids);
    };
    const racing = snapshots.getMany(['a'], slowLoad);
    await Promise.resolve();
    snapshots.forget();
    release();
    expect((await racing).map(e => e.integration.id)).toEqual(['a']);
    await snapshots.getMany(['a', 'missing'], load);
    await snapshots.getMany(['missing'], load);
    expect(reads).toEqual([['a'], ['a', 'missing'], ['missing']]);
  });

  it('hands out frozen entries, since every caller shares them', async () => {
    const snapshots = new IntegrationSnapshots(1000, () => now);
    const [a] = await snapshots.getMany(['a'], load);
    expect(() => {
      (a.integration.settings as Record<string, unknown>).page_size = 1;
    }).toThrow(TypeError);
    expect(() => a.rules.push(entry('x').rules[0])).toThrow(TypeError);
  });
});
