import { canonicalRequest } from './canonicalRequest';

describe("Atlassian's canonical request", () => {
  it('sorts parameters, joins repeated values sorted, leaves jwt out and encodes per RFC 3986', () => {
    expect(canonicalRequest('post', '/hook/?b=2&a=y&a=x&jwt=abc&c=a b*')).toBe(
      'POST&/hook&a=x,y&b=2&c=a%20b%2A',
    );
  });

  it('uses / for an empty path and encodes & in the path', () => {
    expect(canonicalRequest('GET', '/?x=1')).toBe('GET&/&x=1');
    expect(canonicalRequest('GET', '/a&b')).toBe('GET&/a%26b&');
  });

  it('strips a base path prefix only at a segment boundary', () => {
    expect(
      canonicalRequest('POST', '/api/itsm-sync/v1/x', '/api/itsm-sync'),
    ).toBe('POST&/v1/x&');
    expect(
      canonicalRequest('POST', '/api/itsm-syncer/v1/x', '/api/itsm-sync'),
    ).toBe('POST&/api/itsm-syncer/v1/x&');
  });
});
