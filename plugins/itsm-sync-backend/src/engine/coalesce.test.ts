import { coalescePayloads } from './coalesce';

describe('coalescePayloads', () => {
  it('lets a later value of a field replace an earlier one', () => {
    expect(
      coalescePayloads([
        { changes: { title: 'first', severity: 'SEV-3' } },
        { changes: { title: 'second' } },
        { changes: { severity: 'SEV-1' } },
      ]),
    ).toEqual({ changes: { title: 'second', severity: 'SEV-1' } });
  });

  it('keeps notes in arrival order', () => {
    expect(
      coalescePayloads([
        { notes: [{ text: 'a' }] },
        { changes: { status: 'mitigated' } },
        { notes: [{ text: 'b', author: 'bob' }, { text: 'c' }] },
      ]),
    ).toEqual({
      changes: { status: 'mitigated' },
      notes: [{ text: 'a' }, { text: 'b', author: 'bob' }, { text: 'c' }],
    });
  });

  it('unites forced fields without duplicates', () => {
    expect(
      coalescePayloads([
        { forced: ['title'] },
        { forced: ['title', 'severity'] },
      ]).forced?.sort(),
    ).toEqual(['severity', 'title']);
  });

  it('leaves out empty parts', () => {
    expect(coalescePayloads([])).toEqual({});
    expect(
      coalescePayloads([{}, { changes: {} }, { notes: [] }, { forced: [] }]),
    ).toEqual({});
  });

  it('returns a single payload unchanged in content', () => {
    const one = {
      changes: { assigned_to: null },
      notes: [{ text: 'x' }],
      forced: ['assigned_to'],
    };
    expect(coalescePayloads([one])).toEqual(one);
  });

  it('does not modify the payloads it is given', () => {
    const first = { changes: { title: 'a' } };
    coalescePayloads([first, { changes: { title: 'b' } }]);
    expect(first).toEqual({ changes: { title: 'a' } });
  });
});
