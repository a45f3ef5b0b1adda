import {
  createStoreTestDatabases,
  givenIntegration,
  migratedStore,
} from './__testUtils__/storeTestDatabases';

jest.setTimeout(60_000);

describe('HubNoteRepository', () => {
  const databases = createStoreTestDatabases();

  it.each(databases.eachSupportedId())(
    'posts a note once across retries and knows its echo by note id or by text on the same ticket (%p)',
    async id => {
      const store = await migratedStore(databases, id);
      const { id: integrationId } = await givenIntegration(store);
      const note = {
        integrationId,
        noteKey: 'platform:n1',
        externalId: 'T-1',
        textSha256: 'a'.repeat(64),
      };
      expect(await store.hubNotes.beginPost(note, 1_000)).toBe(true);
      // Echo before the vendor answered: known by its text alone.
      expect(
        await store.hubNotes.ownNotes([
          { integrationId, externalId: 'T-1', textSha256: 'a'.repeat(64) },
        ]),
      ).toEqual(new Set([0]));
      // A retry before the post was marked still has to post.
      expect(await store.hubNotes.beginPost(note, 1_100)).toBe(true);
      await store.hubNotes.posted(integrationId, 'platform:n1', 'N-9', 1_200);
      expect(await store.hubNotes.beginPost(note, 1_300)).toBe(false);

      expect(
        await store.hubNotes.ownNotes([
          // Same vendor note id, edited text: still the hub's.
          {
            integrationId,
            externalId: 'T-1',
            externalNoteId: 'N-9',
            textSha256: 'b'.repeat(64),
          },
          // A person's note on the same ticket.
          {
            integrationId,
            externalId: 'T-1',
            externalNoteId: 'N-10',
            textSha256: 'c'.repeat(64),
          },
          // The same text on another ticket.
          { integrationId, externalId: 'T-2', textSha256: 'a'.repeat(64) },
        ]),
      ).toEqual(new Set([0]));

      expect(await store.hubNotes.pruneOlderThan(1_001)).toBe(1);
      expect(
        await store.hubNotes.ownNotes([
          { integrationId, externalId: 'T-1', textSha256: 'a'.repeat(64) },
        ]),
      ).toEqual(new Set());
    },
  );
});
