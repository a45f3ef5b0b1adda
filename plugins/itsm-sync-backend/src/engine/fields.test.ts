import {
  PLATFORM_FIELDS,
  changedFields,
  pickPlatformFields,
  sameValue,
} from './fields';

describe('PLATFORM_FIELDS', () => {
  it('lists the synced platform fields once each', () => {
    expect(PLATFORM_FIELDS).toEqual([
      'title',
      'description',
      'severity',
      'status',
      'assigned_to',
      'escalation_policy',
    ]);
  });
});

describe('pickPlatformFields', () => {
  it('keeps known fields, including null, and drops unknown and undefined ones', () => {
    expect(
      pickPlatformFields({
        title: 'T',
        assigned_to: null,
        severity: undefined,
        id: 'x',
        entity_ref: 'component:a',
        work_notes: 'n',
      }),
    ).toEqual({ title: 'T', assigned_to: null });
  });
});

describe('sameValue', () => {
  it.each([
    ['a', 'a', true],
    ['a', 'b', false],
    [null, undefined, true],
    [null, '', true],
    ['', undefined, true],
    ['', 'x', false],
    [null, 'x', false],
    [0, '0', false],
  ])('%p vs %p: %p', (a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
    expect(sameValue(b, a)).toBe(expected);
  });
});

describe('changedFields', () => {
  const current = {
    title: 'T',
    description: 'D',
    severity: 'SEV-2' as const,
    assigned_to: null,
  };

  it('returns only the fields whose values differ', () => {
    expect(
      changedFields(current, {
        title: 'T',
        severity: 'SEV-1',
        assigned_to: 'alice',
      }),
    ).toEqual({
      severity: 'SEV-1',
      assigned_to: 'alice',
    });
  });

  it('ignores undefined values and empty-for-empty changes', () => {
    expect(
      changedFields(current, { title: undefined, assigned_to: '' as any }),
    ).toEqual({});
  });

  it('reports clearing a field as a change to null', () => {
    expect(
      changedFields({ assigned_to: 'alice' }, { assigned_to: null }),
    ).toEqual({ assigned_to: null });
  });
});
