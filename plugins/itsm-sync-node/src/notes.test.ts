import {
  formatNoteForVendor,
  noteEchoText,
  noteVisibilityOf,
  sendsNoteChannel,
  validateNoteChannels,
} from './notes';

describe('notes with channels', () => {
  it('shows where and by whom a note was written in front of its text', () => {
    expect(
      formatNoteForVendor({
        text: 'Paged the DBA',
        author: 'Jane Doe',
        origin: 'PagerDuty',
      }),
    ).toBe('PagerDuty · Jane Doe: Paged the DBA');
    expect(formatNoteForVendor({ text: 'Rolled back', author: 'bob' })).toBe(
      'Backstage · bob: Rolled back',
    );
    expect(formatNoteForVendor({ text: 'Rolled back' })).toBe(
      'Backstage: Rolled back',
    );
  });

  it('reads a note without a channel as internal', () => {
    expect(noteVisibilityOf({ text: 'x' })).toBe('internal');
    expect(noteVisibilityOf({ text: 'x', visibility: 'public' })).toBe(
      'public',
    );
  });

  it('compares echoes without the whitespace a vendor may change', () => {
    expect(noteEchoText('  a\n\nb \t c ')).toBe('a b c');
  });

  it('keeps a channel mapped to none from the vendor', () => {
    const settings = { note_channels: { public: 'none' } };
    expect(sendsNoteChannel(settings, 'public')).toBe(false);
    expect(sendsNoteChannel(settings, 'internal')).toBe(true);
    expect(sendsNoteChannel({}, 'public')).toBe(true);
  });

  it('refuses a note_channels entry the vendor does not have, naming it', () => {
    const channels = ['work_notes', 'comments'];
    expect(() =>
      validateNoteChannels(
        { note_channels: { internal: 'work_notes', public: 'none' } },
        channels,
      ),
    ).not.toThrow();
    expect(() =>
      validateNoteChannels({ note_channels: { public: 'tweets' } }, channels),
    ).toThrow('note_channels.public must be one of work_notes, comments, none');
    expect(() =>
      validateNoteChannels({ note_channels: { secret: 'comments' } }, channels),
    ).toThrow("note_channels has unknown visibility 'secret'");
    expect(() =>
      validateNoteChannels({ note_channels: 'comments' }, channels),
    ).toThrow('note_channels must be an object');
  });
});
