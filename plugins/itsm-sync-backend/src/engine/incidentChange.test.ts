import type { IncidentRecord, OutboxInsert } from '../store/types';
import type { FieldChanges } from './fields';
import { applyIncidentChange } from './incidentChange';

const BEFORE: IncidentRecord = {
  id: 'inc-1',
  title: 'Disk full on db-1',
  description: '',
  severity: 'SEV-2',
  status: 'open',
  assigned_to: null,
  escalation_policy: null,
  entity_ref: null,
  incident_type: null,
  version: 3,
  field_changes: { title: { at: 100, source: 'platform' } },
  created_at: 50,
  updated_at: 100,
};

/** A planner that records what it was asked and plans one row per call. */
function recordingPlanner() {
  const calls: Array<{ incident: IncidentRecord; changed: FieldChanges }> = [];
  const plan = (
    incident: IncidentRecord,
    changed: FieldChanges,
  ): OutboxInsert[] => {
    calls.push({ incident, changed });
    return [
      {
        integration_id: 'snow',
        incident_id: incident.id,
        operation: 'sync',
        payload: { changes: changed },
      },
    ];
  };
  return { calls, plan };
}

describe('applyIncidentChange', () => {
  it('marks each changed field with the time and source, bumps the version and plans the changed fields', () => {
    const { calls, plan } = recordingPlanner();
    const result = applyIncidentChange({
      incident: BEFORE,
      changes: { status: 'mitigated', title: BEFORE.title },
      source: 'integration:jira',
      now: 200,
      plan,
    });
    expect(result.written).toBe(true);
    expect(result.changed).toEqual({ status: 'mitigated' });
    expect(result.incident).toMatchObject({
      status: 'mitigated',
      version: 4,
      updated_at: 200,
      field_changes: {
        title: { at: 100, source: 'platform' },
        status: { at: 200, source: 'integration:jira' },
      },
    });
    expect(calls).toEqual([
      { incident: result.incident, changed: { status: 'mitigated' } },
    ]);
    expect(result.outbox).toHaveLength(1);
  });

  it('leaves the incident alone and plans nothing when no value differs', () => {
    const { calls, plan } = recordingPlanner();
    const result = applyIncidentChange({
      incident: BEFORE,
      changes: { title: BEFORE.title, assigned_to: '' },
      source: 'platform',
      now: 200,
      plan,
    });
    expect(result).toEqual({
      incident: BEFORE,
      changed: {},
      written: false,
      outbox: [],
    });
    expect(calls).toHaveLength(0);
  });

  it('writes an entity or type change with a new version but plans nothing outbound, since those never sync', () => {
    const { calls, plan } = recordingPlanner();
    const result = applyIncidentChange({
      incident: BEFORE,
      changes: {
        entity_ref: 'component:default/db',
        incident_type: 'database',
      },
      source: 'platform',
      now: 200,
      plan,
    });
    expect(result.written).toBe(true);
    expect(result.incident).toMatchObject({
      entity_ref: 'component:default/db',
      incident_type: 'database',
      version: 4,
      updated_at: 200,
    });
    expect(result.incident.field_changes).toEqual(BEFORE.field_changes);
    expect(result.outbox).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('clears the entity when asked for null, and does not count an unchanged entity as a change', () => {
    const { plan } = recordingPlanner();
    const linked = { ...BEFORE, entity_ref: 'component:default/db' };
    expect(
      applyIncidentChange({
        incident: linked,
        changes: { entity_ref: null },
        source: 'platform',
        now: 200,
        plan,
      }).incident.entity_ref,
    ).toBeNull();
    expect(
      applyIncidentChange({
        incident: linked,
        changes: { entity_ref: 'component:default/db' },
        source: 'platform',
        now: 200,
        plan,
      }).written,
    ).toBe(false);
  });

  it('does not modify the incident it was given', () => {
    const { plan } = recordingPlanner();
    const copy = structuredClone(BEFORE);
    applyIncidentChange({
      incident: BEFORE,
      changes: { severity: 'SEV-1' },
      source: 'platform',
      now: 200,
      plan,
    });
    expect(BEFORE).toEqual(copy);
  });
});
