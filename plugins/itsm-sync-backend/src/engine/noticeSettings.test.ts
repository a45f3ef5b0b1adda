import { noticeSettingsOf } from './noticeSettings';

describe('noticeSettingsOf', () => {
  it('reads the owner as a canonical entity ref and the switches', () => {
    expect(
      noticeSettingsOf({
        notifications: { owner: 'Group:default/Payments', health: false },
      }),
    ).toEqual({ owner: 'group:default/payments', health: false });
  });

  it('treats missing settings as nothing set', () => {
    expect(noticeSettingsOf({})).toEqual({});
    expect(noticeSettingsOf({ notifications: null })).toEqual({});
  });

  it.each([
    [
      { owner: 'payments' },
      "notifications.owner 'payments' is not an entity ref",
    ],
    [{ owner: 42 }, 'notifications.owner must be an entity ref string'],
    [{ dlq: 'yes' }, 'notifications.dlq must be true or false'],
    [{ teams: true }, 'notifications: unknown key teams'],
    ['all', 'notifications must be an object'],
  ])('refuses %j naming the problem', (value, message) => {
    expect(() => noticeSettingsOf({ notifications: value })).toThrow(message);
  });
});
