import { describe, expect, it } from 'vitest';
import { JOURNAL_ID_NAMESPACE, entryId, postingId, uuidFromNamespace, uuidV5 } from './journalIds.js';

describe('journal ids', () => {
  it('uuidV5 matches the RFC 9562 test vector', () => {
    expect(uuidV5(uuidFromNamespace('6ba7b810-9dad-11d1-80b4-00c04fd430c8'), 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('entry and posting ids are version-5 UUIDs of the event id, distinct per leg and entry', () => {
    const eventId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    expect(postingId(eventId, 0)).toBe(uuidV5(uuidFromNamespace(JOURNAL_ID_NAMESPACE), `${eventId}:0`));
    expect(postingId(eventId, 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set([postingId(eventId, 0), postingId(eventId, 1), entryId(eventId, 0), entryId(eventId, 1)]).size).toBe(4);
  });
});
