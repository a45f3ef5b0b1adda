import {
  WebhookParseError,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { resolveSettings } from '../mappings/settings';
import { parseServiceNowWebhook } from './webhookPayload';

const sysId = '0123456789abcdef0123456789abcdef';
const specPayload = {
  sys_id: sysId,
  number: 'INC0010001',
  short_description: 'Checkout down',
  state: '2',
  priority: '2',
  impact: '1',
  assigned_to: 'Beth Anglin',
  updated_on: '2024-06-01 12:00:00',
};
const req = (
  payload: unknown,
  headers: Record<string, string> = {},
): WebhookRequest => ({
  rawBody: Buffer.from(
    typeof payload === 'string' ? payload : JSON.stringify(payload),
  ),
  headers,
  method: 'POST',
  url: '/',
});
const parse = (r: WebhookRequest) =>
  parseServiceNowWebhook(
    r,
    resolveSettings({}),
    'https://acme.service-now.com',
  );

describe('business-rule webhook parsing', () => {
  it('parses the minimal business-rule payload with a hash of sys_id and updated_on as event id', () => {
    const [change] = parse(req(specPayload));
    expect(change).toMatchObject({
      externalId: sysId,
      externalKey: 'INC0010001',
      kind: 'updated',
      fields: {
        title: 'Checkout down',
        status: 'open',
        severity: 'SEV-2',
        assigned_to: 'Beth Anglin',
      },
      occurredAt: '2024-06-01T12:00:00.000Z',
    });
    expect(change.eventId).toMatch(/^[0-9a-f]{64}$/);
    expect(parse(req(specPayload))[0].eventId).toBe(change.eventId);
    expect(parse(req({ ...specPayload, state: '3' }))[0].eventId).not.toBe(
      change.eventId,
    );
  });

  it('takes the event id from signed content only: the payload, never an unsigned header', () => {
    expect(parse(req({ ...specPayload, event_id: 'evt-1' }))[0].eventId).toBe(
      'evt-1',
    );
    const forged = {
      'x-servicenow-delivery-id': 'dlv-9',
      'x-request-id': 'req-9',
      'webhook-id': 'msg-9',
    };
    expect(
      parse(req({ ...specPayload, event_id: 'evt-1' }, forged))[0].eventId,
    ).toBe('evt-1');
    const hashed = parse(req(specPayload))[0].eventId;
    expect(parse(req(specPayload, forged))[0].eventId).toBe(hashed);
  });

  it('takes the signed webhook-id as the event id under the Standard Webhooks scheme', () => {
    const settings = resolveSettings({
      webhook_signature_scheme: 'standard-webhooks',
    });
    const [change] = parseServiceNowWebhook(
      req({ ...specPayload, event_id: 'evt-1' }, { 'webhook-id': 'msg_1' }),
      settings,
      'https://x',
    );
    expect(change.eventId).toBe('msg_1');
  });

  it('reports only the fields the write changed when changed_fields is given', () => {
    const [change] = parse(
      req({
        ...specPayload,
        urgency: '2',
        changed_fields: ['assigned_to', 'sys_updated_on'],
      }),
    );
    expect(change.fields).toEqual({ assigned_to: 'Beth Anglin' });
  });

  it('reads a work note, as a note change when nothing else changed', () => {
    const [change] = parse(
      req({
        ...specPayload,
        work_notes: 'Rolled back',
        updated_by: 'beth.anglin',
        changed_fields: ['work_notes'],
      }),
    );
    expect(change.kind).toBe('note');
    expect(change.note).toEqual({
      text: 'Rolled back',
      author: 'beth.anglin',
      visibility: 'internal',
    });
    expect(change.actor).toBe('beth.anglin');
  });

  it('reads an additional comment as a public note, and a write with both as two notes', () => {
    const [comment] = parse(
      req({
        ...specPayload,
        comments: 'Fix is rolling out',
        updated_by: 'beth.anglin',
        changed_fields: ['comments'],
      }),
    );
    expect(comment.note).toEqual({
      text: 'Fix is rolling out',
      author: 'beth.anglin',
      visibility: 'public',
    });

    const both = parse(
      req({
        ...specPayload,
        event_id: 'evt-both',
        work_notes: 'Pinned the build',
        comments: 'Fix is rolling out',
        changed_fields: ['work_notes', 'comments'],
      }),
    );
    expect(
      both.map(c => [c.eventId, c.kind, c.note?.text, c.note?.visibility]),
    ).toEqual([
      ['evt-both', 'note', 'Pinned the build', 'internal'],
      ['evt-both:comments', 'note', 'Fix is rolling out', 'public'],
    ]);
  });

  it('reads a move to an assignment group that assignment_groups maps as that escalation policy', () => {
    const settings = {
      assignment_groups: { PEPL001: 'Checkout Ops', PEPL002: 'Infra Ops' },
    };
    const [moved] = parseServiceNowWebhook(
      req({
        ...specPayload,
        assignment_group: 'Checkout Ops',
        changed_fields: ['assignment_group'],
      }),
      resolveSettings({}),
      'https://acme.service-now.com',
      settings,
    );
    expect(moved.kind).toBe('updated');
    expect(moved.fields).toEqual({ escalation_policy: 'PEPL001' });
    const [unmapped] = parseServiceNowWebhook(
      req({
        ...specPayload,
        assignment_group: 'Database Ops',
        changed_fields: ['assignment_group'],
      }),
      resolveSettings({}),
      'https://acme.service-now.com',
      settings,
    );
    expect(unmapped.fields).toEqual({});
  });

  it('reads the channels the other way round when note_channels maps them so', () => {
    const [change] = parseServiceNowWebhook(
      req({
        ...specPayload,
        comments: 'Only for agents here',
        changed_fields: ['comments'],
      }),
      resolveSettings({}),
      'https://acme.service-now.com',
      { note_channels: { internal: 'comments', public: 'work_notes' } },
    );
    expect(change.note?.visibility).toBe('internal');
  });

  it('marks an insert as created and carries the whole ticket', () => {
    const [change] = parse(
      req({ ...specPayload, operation: 'insert', correlation_id: 'dedup-1' }),
    );
    expect(change.kind).toBe('created');
    expect(change.ticket).toMatchObject({
      externalId: sysId,
      dedupKey: 'dedup-1',
      fields: { title: 'Checkout down' },
    });
  });

  it('reads an empty assignee as unassigned', () => {
    expect(
      parse(req({ ...specPayload, assigned_to: '' }))[0].fields.assigned_to,
    ).toBeNull();
  });

  it.each([
    ['not json', 'body is not JSON'],
    [[1, 2], 'body must be a JSON object'],
    [
      { ...specPayload, sys_id: 'INC0010001' },
      'sys_id must be a 32 character hex string',
    ],
    [
      { ...specPayload, updated_on: '2024-06-01T12:00:00Z' },
      'updated_on must be a UTC',
    ],
  ])('refuses a malformed body %j', (payload, message) => {
    expect(() => parse(req(payload))).toThrow(WebhookParseError);
    expect(() => parse(req(payload))).toThrow(message);
  });
});
