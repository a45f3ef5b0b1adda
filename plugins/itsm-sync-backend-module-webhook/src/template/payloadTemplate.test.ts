import {
  compilePayloadTemplate,
  renderPayload,
  renderUrl,
} from './payloadTemplate';
import { readResponseText } from './responsePath';

const allowed = new Set([
  'case_name',
  'description',
  'severity',
  'assigned_to',
  'ticket_id',
]);

const hostile = [
  'He said "stop"',
  'line one\nline two\r\n\ttabbed',
  'C:\\path\\to\\file \\" \\\\',
  '"},"x":"injected',
  '{"$case_name": "$description"}',
  'emoji 🚨 — ünïcödé \u2028 \u0000 end',
  'x'.repeat(100_000),
];

describe('payload templates', () => {
  it.each(hostile)(
    'keeps a hostile value intact and the payload valid JSON (%#)',
    value => {
      const template = compilePayloadTemplate(
        '{"fields": {"summary": "[$severity] $case_name", "description": "$description", "labels": ["$case_name"]}}',
        'create_payload',
        allowed,
      );
      const text = renderPayload(template, {
        case_name: value,
        description: value,
        severity: 'SEV-1',
      });
      const body = JSON.parse(text);
      expect(Object.keys(body)).toEqual(['fields']);
      expect(Object.keys(body.fields)).toEqual([
        'summary',
        'description',
        'labels',
      ]);
      expect(body.fields.summary).toBe(`[SEV-1] ${value}`);
      expect(body.fields.description).toBe(value);
      expect(body.fields.labels).toEqual([value]);
    },
  );

  it('does not expand placeholders found inside substituted values', () => {
    const template = compilePayloadTemplate(
      '{"a": "$case_name", "b": "$description"}',
      'p',
      allowed,
    );
    const body = JSON.parse(
      renderPayload(template, {
        case_name: '$description',
        description: 'secret',
      }),
    );
    expect(body).toEqual({ a: '$description', b: 'secret' });
  });

  it('accepts bare placeholders as values and keeps null a JSON null', () => {
    const template = compilePayloadTemplate(
      '{"assignee": $assigned_to, "sev": ${severity}}',
      'p',
      allowed,
    );
    expect(
      JSON.parse(
        renderPayload(template, { assigned_to: null, severity: 'SEV-2' }),
      ),
    ).toEqual({ assignee: null, sev: 'SEV-2' });
  });

  it('keeps $$ as a literal dollar and leaves $5 alone', () => {
    const template = compilePayloadTemplate(
      '{"t": "costs $$5 or $5 for $case_name"}',
      'p',
      allowed,
    );
    expect(JSON.parse(renderPayload(template, { case_name: 'x' }))).toEqual({
      t: 'costs $5 or $5 for x',
    });
  });

  it('names an unknown variable and what is available', () => {
    expect(() =>
      compilePayloadTemplate('{"a": "$case_title"}', 'create_payload', allowed),
    ).toThrow(
      /create_payload uses unknown variable \$case_title; available here: \$case_name/,
    );
  });

  it('names invalid JSON', () => {
    expect(() =>
      compilePayloadTemplate('{"a": "$case_name",}', 'update_payload', allowed),
    ).toThrow(/update_payload is not valid JSON/);
  });

  it.each(['.', '..'])(
    "refuses a URL value of '%s', which would move the path",
    value => {
      expect(() =>
        renderUrl('https://itsm.test/issue/$ticket_id/comment', {
          ticket_id: value,
        }),
      ).toThrow(/would move the URL's path/);
      expect(
        renderUrl('https://itsm.test/issue/$ticket_id', { ticket_id: '...' }),
      ).toBe('https://itsm.test/issue/...');
    },
  );

  it('percent-encodes URL values so an id cannot add a path or query', () => {
    expect(
      renderUrl('https://itsm.test/issue/$ticket_id/comment', {
        ticket_id: '../admin?x=1#',
      }),
    ).toBe('https://itsm.test/issue/..%2Fadmin%3Fx%3D1%23/comment');
  });
});

describe('ticket id paths', () => {
  const body = {
    key: 'OPS-1',
    result: { sys_id: 'abc', number: 7 },
    data: [{ id: 'd-1' }, { id: 'd-2' }],
  };
  it.each([
    ['key', 'OPS-1'],
    ['result.sys_id', 'abc'],
    ['result.number', '7'],
    ['data[0].id', 'd-1'],
    ['data[1].id', 'd-2'],
    ['data[2].id', undefined],
    ['result.missing', undefined],
    ['key.deeper', undefined],
  ])('reads %s', (path, expected) => {
    expect(readResponseText(body, path)).toBe(expected);
  });

  it('reads from a top-level array', () => {
    expect(readResponseText([{ id: 'x' }], '[0].id')).toBe('x');
  });

  it('refuses a malformed path', () => {
    expect(() => readResponseText(body, 'data[x].id')).toThrow(
      /not a path like/,
    );
  });
});
