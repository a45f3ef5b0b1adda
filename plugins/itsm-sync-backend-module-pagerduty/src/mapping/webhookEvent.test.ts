import { readPagerDutyEvent, type PdWebhookEvent } from './webhookEvent';

const reassigned = (): PdWebhookEvent => ({
  id: 'EV1',
  event_type: 'incident.reassigned',
  resource_type: 'incident',
  occurred_at: '2026-12-05T01:00:00Z',
  agent: { id: 'PUSR001', summary: 'Alice Ng' } as any,
  data: {
    id: 'PINC1',
    type: 'incident',
    assignees: [{ id: 'PUSR9', summary: 'Dana Roe' }],
  },
});

describe('PagerDuty assignees', () => {
  it('takes an assignee by email', () => {
    const reading = readPagerDutyEvent(reassigned(), {
      syncEscalations: false,
      assigneeEmail: 'dana@example.com',
    });
    expect('change' in reading && reading.change.fields).toEqual({
      assigned_to: 'dana@example.com',
    });
  });

  it('leaves assigned_to as it is, with the reason on the timeline, for an assignee without a readable email', () => {
    const reading = readPagerDutyEvent(reassigned(), {
      syncEscalations: false,
      unmatchedAssignee: 'Dana Roe',
    });
    if (!('change' in reading)) throw new Error('expected a change');
    expect(reading.change.fields).toEqual({});
    expect(reading.change.kind).toBe('event');
    expect(reading.change.timeline).toBe(
      'Reassigned in PagerDuty by Alice Ng; assignee Dana Roe not matched: PagerDuty shows no email for them; assigned_to left unchanged',
    );
  });

  it('clears assigned_to when PagerDuty leaves the incident without an assignee', () => {
    const event = reassigned();
    event.data.assignees = [];
    const reading = readPagerDutyEvent(event, { syncEscalations: false });
    expect('change' in reading && reading.change.fields).toEqual({
      assigned_to: null,
    });
  });
});
