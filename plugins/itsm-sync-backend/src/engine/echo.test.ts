import { isEcho, withoutEchoes } from './echo';

describe('isEcho', () => {
  const written = {
    status: 'resolved',
    assigned_to: 'alice',
    escalation_policy: null,
  };

  it('recognises the value the hub last wrote coming back', () => {
    expect(isEcho(written, 'status', 'resolved')).toBe(true);
  });

  it('treats a different value as a real change', () => {
    expect(isEcho(written, 'status', 'open')).toBe(false);
  });

  it('treats a field the hub never wrote as a real change', () => {
    expect(isEcho(written, 'title', 'resolved')).toBe(false);
  });

  it('compares empty values as equal (null written, empty string echoed)', () => {
    expect(isEcho(written, 'escalation_policy', '')).toBe(true);
    expect(isEcho(written, 'escalation_policy', undefined)).toBe(true);
  });
});

describe('withoutEchoes', () => {
  it('drops echoed fields and keeps the others', () => {
    expect(
      withoutEchoes(
        { status: 'resolved', title: 'T' },
        { status: 'resolved', title: 'T2', assigned_to: 'bob' },
      ),
    ).toEqual({
      kept: { title: 'T2', assigned_to: 'bob' },
      echoed: ['status'],
    });
  });

  it('keeps everything when the hub wrote nothing yet', () => {
    expect(withoutEchoes({}, { status: 'open' })).toEqual({
      kept: { status: 'open' },
      echoed: [],
    });
  });

  it('drops everything when the whole change is an echo', () => {
    expect(
      withoutEchoes(
        { status: 'open', severity: 'SEV-2' },
        { status: 'open', severity: 'SEV-2' },
      ),
    ).toEqual({
      kept: {},
      echoed: ['status', 'severity'],
    });
  });
});
