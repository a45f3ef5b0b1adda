import type { NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { decideInbound, type InboundSource } from './inboundDecision';

const NOW = 1_000_000;
const AT = new Date(NOW).toISOString();

function change(overrides: Partial<NormalizedChange> = {}): NormalizedChange {
  return {
    eventId: 'e1',
    externalId: 'T1',
    kind: 'updated',
    fields: {},
    occurredAt: AT,
    ...overrides,
  };
}

const source: InboundSource = {
  id: 'a',
  conflict_strategy: 'last-write-wins',
  conflict_window_seconds: 5,
  rules: [
    { field: 'title', owner: 'platform', priority: 10 },
    { field: 'assigned_to', owner: 'external', priority: 5 },
  ],
};

const incident = {
  title: 'Down',
  status: 'open' as const,
  assigned_to: null,
  field_changes: {},
};

function decide(
  c: NormalizedChange,
  overrides: Partial<Parameters<typeof decideInbound>[0]> = {},
) {
  return decideInbound({
    change: c,
    source,
    incident,
    lastWritten: {},
    now: NOW,
    otherSource: () => undefined,
    ...overrides,
  });
}

describe('decideInbound', () => {
  it('applies allowed fields that differ and remembers everything the vendor sent', () => {
    const d = decide(
      change({
        fields: { status: 'mitigated', assigned_to: 'bob', title: 'Renamed' },
      }),
    );
    expect(d.toApply).toEqual({ status: 'mitigated', assigned_to: 'bob' });
    expect(d.remember).toEqual({
      status: 'mitigated',
      assigned_to: 'bob',
      title: 'Renamed',
    });
    expect(d).toMatchObject({
      applied: true,
      conflicts: [],
      restore: {},
      queuedForReview: false,
    });
  });

  it("drops the echo of the hub's own write and values the incident already has", () => {
    const d = decide(
      change({ fields: { status: 'mitigated', assigned_to: null } }),
      { lastWritten: { status: 'mitigated' } },
    );
    expect(d.toApply).toEqual({});
    expect(d.applied).toBe(false);
  });

  it('ignores a change of a platform-owned field', () => {
    const d = decide(change({ fields: { title: 'Renamed' } }));
    expect(d).toMatchObject({ toApply: {}, applied: false });
  });

  it('takes notes and timeline events, with the actor as author when the note names none', () => {
    const d = decide(
      change({
        note: { text: 'looking' },
        timeline: 'escalated',
        actor: 'pd-user',
      }),
    );
    expect(d.note).toEqual({ note: { text: 'looking' }, author: 'pd-user' });
    expect(d.event).toEqual({ text: 'escalated', author: 'pd-user' });
    expect(d.applied).toBe(true);
  });

  it('refuses notes when the platform owns them', () => {
    const d = decide(change({ note: { text: 'x' } }), {
      source: {
        ...source,
        rules: [{ field: 'notes', owner: 'platform', priority: 1 }],
      },
    });
    expect(d.note).toBeUndefined();
    expect(d.applied).toBe(false);
  });

  it('settles a conflict by last-write-wins: an earlier vendor change restores the platform value on the ticket', () => {
    const marked = {
      ...incident,
      status: 'mitigated' as const,
      field_changes: { status: { at: NOW, source: 'platform' } },
    };
    const d = decide(
      change({
        fields: { status: 'resolved' },
        occurredAt: new Date(NOW - 1000).toISOString(),
      }),
      { incident: marked },
    );
    expect(d.toApply).toEqual({});
    expect(d.restore).toEqual({ status: 'mitigated' });
    expect(d.conflicts).toEqual([
      expect.objectContaining({
        field: 'status',
        status: 'resolved',
        resolution: 'use-platform',
        resolved_by: 'strategy:last-write-wins',
      }),
    ]);
  });

  it('queues a conflict for review without applying it', () => {
    const marked = {
      ...incident,
      status: 'mitigated' as const,
      field_changes: { status: { at: NOW, source: 'platform' } },
    };
    const d = decide(change({ fields: { status: 'resolved' } }), {
      incident: marked,
      source: { ...source, conflict_strategy: 'manual-review' },
    });
    expect(d).toMatchObject({
      toApply: {},
      restore: {},
      queuedForReview: true,
      applied: false,
    });
    expect(d.conflicts).toEqual([
      expect.objectContaining({
        status: 'pending',
        platform_value: 'mitigated',
        external_value: 'resolved',
      }),
    ]);
  });

  it('weighs the rules of the integration that set the platform value under ownership-priority', () => {
    const marked = {
      ...incident,
      assigned_to: 'carol',
      field_changes: { assigned_to: { at: NOW, source: 'integration:b' } },
    };
    const asked: string[] = [];
    const d = decide(change({ fields: { assigned_to: 'bob' } }), {
      incident: marked,
      source: { ...source, conflict_strategy: 'ownership-priority' },
      otherSource: id => {
        asked.push(id);
        return {
          rules: [{ field: 'assigned_to', owner: 'external', priority: 9 }],
        };
      },
    });
    expect(asked).toEqual(['b']);
    expect(d.restore).toEqual({ assigned_to: 'carol' });
    expect(d.conflicts[0]).toMatchObject({
      resolution: 'use-platform',
      resolved_by: 'strategy:ownership-priority',
    });
  });

  it('is not a conflict when this same integration made the platform change', () => {
    const marked = {
      ...incident,
      status: 'mitigated' as const,
      field_changes: { status: { at: NOW, source: 'integration:a' } },
    };
    const d = decide(change({ fields: { status: 'resolved' } }), {
      incident: marked,
    });
    expect(d).toMatchObject({ toApply: { status: 'resolved' }, conflicts: [] });
  });

  describe('stale changes (replays, late deliveries)', () => {
    const HOUR = 3_600_000;
    const at = (ms: number) => new Date(ms).toISOString();

    it("leaves alone a vendor change older than the platform's last change of the field, and does not remember it", () => {
      const reopened = {
        ...incident,
        status: 'open' as const,
        field_changes: { status: { at: NOW, source: 'platform' } },
      };
      const d = decide(
        change({
          fields: { status: 'resolved', assigned_to: 'bob' },
          occurredAt: at(NOW - HOUR),
        }),
        { incident: reopened },
      );
      expect(d.toApply).toEqual({ assigned_to: 'bob' });
      expect(d.stale).toEqual([
        { field: 'status', externalAt: NOW - HOUR, lastChangedAt: NOW },
      ]);
      expect(d.remember).toEqual({ assigned_to: 'bob' });
    });

    it("orders changes of the same vendor by the vendor's own clock", () => {
      const applied = {
        ...incident,
        status: 'open' as const,
        field_changes: {
          status: { at: NOW + HOUR, source: 'integration:a', external_at: NOW },
        },
      };
      const replay = decide(
        change({ fields: { status: 'resolved' }, occurredAt: at(NOW - 1000) }),
        { incident: applied },
      );
      expect(replay).toMatchObject({
        toApply: {},
        applied: false,
        stale: [{ field: 'status', lastChangedAt: NOW }],
      });
      // A later change of the vendor, even one that reaches the hub before the hub's own clock catches up, applies.
      const next = decide(
        change({ fields: { status: 'resolved' }, occurredAt: at(NOW + 1000) }),
        { incident: applied },
      );
      expect(next).toMatchObject({
        toApply: { status: 'resolved' },
        stale: [],
      });
      const sameSecond = decide(
        change({ fields: { status: 'resolved' }, occurredAt: at(NOW) }),
        { incident: applied },
      );
      expect(sameSecond.toApply).toEqual({ status: 'resolved' });
    });

    it("applies a change after the field's last change, and one of a field never changed", () => {
      const marked = {
        ...incident,
        status: 'open' as const,
        field_changes: { status: { at: NOW - HOUR, source: 'platform' } },
      };
      expect(
        decide(change({ fields: { status: 'resolved' } }), { incident: marked })
          .toApply,
      ).toEqual({ status: 'resolved' });
      expect(
        decide(change({ fields: { status: 'resolved' }, occurredAt: at(0) }))
          .toApply,
      ).toEqual({ status: 'resolved' });
    });
  });
});
