import { checkUrlTemplate } from './urlTemplate';

const allowed = new Set(['ticket_id', 'dedup_key']);

describe('URL templates', () => {
  it.each([
    'https://$ticket_id.itsm.example.com/api',
    'https://itsm.example.com:$ticket_id/api',
    'https://itsm.example.com$ticket_id/api',
    'http://${dedup_key}/latest/meta-data',
    '$ticket_id://itsm.example.com/api',
    '$ticket_id/api',
    'https:/$ticket_id/api',
  ])('refuses %s: a variable may not choose the scheme or host', template => {
    expect(() => checkUrlTemplate('lookup_url', template, allowed)).toThrow(
      /lookup_url must start with a literal scheme and host/,
    );
  });

  it.each([
    'https://itsm.example.com/api/tickets/$ticket_id',
    '/api/tickets?key=$dedup_key',
    'https://itsm.example.com:8443/x/${ticket_id}',
  ])('accepts %s', template => {
    expect(() =>
      checkUrlTemplate('lookup_url', template, allowed),
    ).not.toThrow();
  });

  it('still refuses other schemes and credentials in the URL', () => {
    expect(() =>
      checkUrlTemplate(
        'fetch_url',
        'ftp://itsm.example.com/$ticket_id',
        allowed,
      ),
    ).toThrow(/http or https/);
    expect(() =>
      checkUrlTemplate(
        'fetch_url',
        'https://u:p@itsm.example.com/$ticket_id',
        allowed,
      ),
    ).toThrow(/must not carry credentials/);
  });
});
