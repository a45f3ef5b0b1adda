import type {
  ConflictStrategy,
  FieldOwnershipRule,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  isConflict,
  settleConflict,
  type InboundFieldChange,
} from './conflicts';

const WINDOW = 5_000;
const T = 1_700_000_000_000;

function change(
  overrides: Partial<InboundFieldChange> = {},
): InboundFieldChange {
  return {
    field: 'severity',
    platformValue: 'SEV-1',
    externalValue: 'SEV-3',
    externalAt: T,
    platformMark: { at: T - 1_000, source: 'platform' },
    integrationId: 'snow',
    ...overrides,
  };
}

describe('isConflict', () => {
  it.each([
    ['same instant', 0, true],
    ['external 1 ms after', 1, true],
    ['external exactly at the window edge after', WINDOW, true],
    ['external 1 ms past the window after', WINDOW + 1, false],
    ['external exactly at the window edge before', -WINDOW, true],
    ['external 1 ms past the window before', -WINDOW - 1, false],
    ['a minute apart', 60_000, false],
  ])('%s: %s', (_name, delta, expected) => {
    expect(
      isConflict(
        change({
          externalAt: T + delta,
          platformMark: { at: T, source: 'platform' },
        }),
        WINDOW,
      ),
    ).toBe(expected);
  });

  it('follows a configured window', () => {
    const c = change({
      externalAt: T + 8_000,
      platformMark: { at: T, source: 'platform' },
    });
    expect(isConflict(c, 5_000)).toBe(false);
    expect(isConflict(c, 10_000)).toBe(true);
  });

  it('is no conflict when the platform never changed the field', () => {
    expect(isConflict(change({ platformMark: undefined }), WINDOW)).toBe(false);
  });

  it('is no conflict when the platform value came from this same integration', () => {
    expect(
      isConflict(
        change({ platformMark: { at: T, source: 'integration:snow' } }),
        WINDOW,
      ),
    ).toBe(false);
  });

  it('is a conflict when the platform value came from another integration', () => {
    expect(
      isConflict(
        change({ platformMark: { at: T, source: 'integration:jira' } }),
        WINDOW,
      ),
    ).toBe(true);
  });

  it.each([
    ['equal strings', 'SEV-2', 'SEV-2'],
    ['null and empty string', null, ''],
    ['undefined and null', undefined, null],
  ])(
    'is no conflict when both sides hold the same value (%s)',
    (_name, platformValue, externalValue) => {
      expect(isConflict(change({ platformValue, externalValue }), WINDOW)).toBe(
        false,
      );
    },
  );
});

describe('settleConflict', () => {
  const external5: FieldOwnershipRule[] = [
    { field: 'severity', owner: 'external', priority: 5 },
  ];
  const platform10: FieldOwnershipRule[] = [
    { field: 'severity', owner: 'platform', priority: 10 },
  ];
  const settle = (
    strategy: ConflictStrategy,
    c: InboundFieldChange,
    rules: FieldOwnershipRule[] = [],
    extra = {},
  ) => settleConflict({ strategy, change: c, rules, ...extra });

  describe('manual-review', () => {
    it.each([[[]], [external5], [platform10]])(
      'always queues (rules %#)',
      rules => {
        expect(settle('manual-review', change(), rules)).toBe(
          'queue-for-review',
        );
      },
    );
  });

  describe('last-write-wins', () => {
    it('applies the external value when it is later', () => {
      expect(
        settle(
          'last-write-wins',
          change({
            externalAt: T,
            platformMark: { at: T - 1, source: 'platform' },
          }),
          platform10,
        ),
      ).toBe('apply-external');
    });

    it('keeps the platform value when it is later', () => {
      expect(
        settle(
          'last-write-wins',
          change({
            externalAt: T - 1,
            platformMark: { at: T, source: 'platform' },
          }),
          external5,
        ),
      ).toBe('keep-platform');
    });

    it('gives a tie to the external side when it owns the field', () => {
      expect(
        settle(
          'last-write-wins',
          change({
            externalAt: T,
            platformMark: { at: T, source: 'platform' },
          }),
          external5,
        ),
      ).toBe('apply-external');
    });

    it.each([[[]], [platform10]])(
      'gives a tie to the platform otherwise (rules %#)',
      rules => {
        expect(
          settle(
            'last-write-wins',
            change({
              externalAt: T,
              platformMark: { at: T, source: 'platform' },
            }),
            rules,
          ),
        ).toBe('keep-platform');
      },
    );

    it('reads the owner through the mapper on a tie', () => {
      const jira: FieldOwnershipRule[] = [
        { field: 'priority', owner: 'external', priority: 5 },
      ];
      const mapField = (f: string) => (f === 'priority' ? 'severity' : f);
      expect(
        settle(
          'last-write-wins',
          change({
            externalAt: T,
            platformMark: { at: T, source: 'platform' },
          }),
          jira,
          { mapField },
        ),
      ).toBe('apply-external');
    });
  });

  describe('ownership-priority against a platform edit', () => {
    it('applies the external value when the external side owns the field, even if older', () => {
      expect(
        settle(
          'ownership-priority',
          change({
            externalAt: T - 4_000,
            platformMark: { at: T, source: 'platform' },
          }),
          external5,
        ),
      ).toBe('apply-external');
    });

    it('keeps the platform value when the platform owns the field, even if older', () => {
      expect(
        settle(
          'ownership-priority',
          change({
            externalAt: T,
            platformMark: { at: T - 4_000, source: 'platform' },
          }),
          platform10,
        ),
      ).toBe('keep-platform');
    });

    it('falls back to the last write when no rule names the field', () => {
      expect(
        settle(
          'ownership-priority',
          change({
            externalAt: T,
            platformMark: { at: T - 1, source: 'platform' },
          }),
        ),
      ).toBe('apply-external');
      expect(
        settle(
          'ownership-priority',
          change({
            externalAt: T - 1,
            platformMark: { at: T, source: 'platform' },
          }),
        ),
      ).toBe('keep-platform');
    });
  });

  describe('ownership-priority between two integrations', () => {
    const fromJira = change({
      platformMark: { at: T - 1, source: 'integration:jira' },
      externalAt: T,
    });
    const jiraExternal = (priority: number): FieldOwnershipRule[] => [
      { field: 'priority', owner: 'external', priority },
    ];
    const jiraMapper = (f: string) => (f === 'priority' ? 'severity' : f);
    const vsJira = (
      rules: FieldOwnershipRule[],
      otherRules: FieldOwnershipRule[],
      c = fromJira,
    ) =>
      settle('ownership-priority', c, rules, {
        otherSourceRules: otherRules,
        otherSourceMapField: jiraMapper,
      });

    it('the higher external priority wins: incoming side higher', () => {
      expect(
        vsJira(
          [{ field: 'severity', owner: 'external', priority: 9 }],
          jiraExternal(5),
        ),
      ).toBe('apply-external');
    });

    it('the higher external priority wins: the side that set the platform value higher', () => {
      expect(
        vsJira(
          [{ field: 'severity', owner: 'external', priority: 5 }],
          jiraExternal(9),
        ),
      ).toBe('keep-platform');
    });

    it('an external owner beats a side without a claim', () => {
      expect(vsJira(external5, [])).toBe('apply-external');
      expect(vsJira([], jiraExternal(1))).toBe('keep-platform');
      expect(vsJira(platform10, jiraExternal(1))).toBe('keep-platform');
      expect(
        vsJira(external5, [
          { field: 'severity', owner: 'platform', priority: 50 },
        ]),
      ).toBe('apply-external');
    });

    it('keeps the platform value when neither integration owns the field and a rule gives it to the platform', () => {
      expect(vsJira(platform10, [])).toBe('keep-platform');
      expect(
        vsJira([], [{ field: 'priority', owner: 'platform', priority: 1 }]),
      ).toBe('keep-platform');
    });

    it('falls back to the last write on equal claims', () => {
      expect(vsJira(external5, jiraExternal(5))).toBe('apply-external');
      const platformLater = change({
        platformMark: { at: T, source: 'integration:jira' },
        externalAt: T - 1,
      });
      expect(vsJira(external5, jiraExternal(5), platformLater)).toBe(
        'keep-platform',
      );
    });

    it('falls back to the last write when neither integration has a rule', () => {
      expect(vsJira([], [])).toBe('apply-external');
    });
  });
});
