import { buildEvent } from '../../../lambdas/events/catalog';
import {
  chunkEntries,
  entrySize,
  MAX_BYTES_PER_CALL,
  toEventEntry,
  type EventEntry,
} from '../../../lambdas/events/entries';

const entry = (detailBytes: number, id = 'x'): EventEntry => ({
  Source: 'scim.directory',
  DetailType: 'User Updated',
  Detail: JSON.stringify({ id, pad: 'a'.repeat(Math.max(0, detailBytes - 20)) }),
});

describe('PutEvents entries', () => {
  it('carries source scim.directory, the detail type and the event as JSON detail', () => {
    const event = buildEvent({
      detailType: 'User Deleted',
      tenantId: 'acme',
      resourceType: 'User',
      resourceId: 'u-1',
      version: 3,
      occurredAt: '2026-11-24T10:00:00.000Z',
      requestId: 'r',
      snapshot: null,
    });

    const result = toEventEntry(event);

    expect(result).toEqual({ Source: 'scim.directory', DetailType: 'User Deleted', Detail: JSON.stringify(event) });
  });

  it('counts UTF-8 bytes of Source, DetailType and Detail, as EventBridge does', () => {
    const withAccent: EventEntry = { Source: 'ab', DetailType: 'cd', Detail: '"é"' };

    const size = entrySize(withAccent);

    expect(size).toBe(2 + 2 + 4);
  });
});

describe('chunkEntries: PutEvents limits of 10 entries and 256 KB per call', () => {
  it('splits 25 small entries into calls of 10, 10 and 5, keeping their order', () => {
    const entries = Array.from({ length: 25 }, (_unused, index) => entry(100, String(index)));

    const chunks = chunkEntries(entries, (item) => item);

    expect(chunks.map((chunk) => chunk.length)).toEqual([10, 10, 5]);
    expect(chunks.flat()).toEqual(entries);
  });

  it('starts a new call before the summed size passes 256 KB', () => {
    const entries = Array.from({ length: 5 }, (_unused, index) => entry(100 * 1024, String(index)));

    const chunks = chunkEntries(entries, (item) => item);

    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 2, 1]);
    for (const chunk of chunks)
      expect(chunk.reduce((sum, item) => sum + entrySize(item), 0)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
  });

  it('fills a call up to exactly 256 KB', () => {
    const overhead = entrySize({ Source: 'scim.directory', DetailType: 'User Updated', Detail: '' });
    const exact = (bytes: number): EventEntry => ({
      Source: 'scim.directory',
      DetailType: 'User Updated',
      Detail: 'a'.repeat(bytes - overhead),
    });
    const entries = [exact(MAX_BYTES_PER_CALL / 2), exact(MAX_BYTES_PER_CALL / 2), exact(1000)];

    const chunks = chunkEntries(entries, (item) => item);

    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 1]);
  });

  it('gives an entry larger than 256 KB a call of its own', () => {
    const entries = [entry(100), entry(300 * 1024), entry(100)];

    const chunks = chunkEntries(entries, (item) => item);

    expect(chunks.map((chunk) => chunk.length)).toEqual([1, 1, 1]);
  });

  it('returns no calls for no entries', () => {
    expect(chunkEntries([], (item: EventEntry) => item)).toEqual([]);
  });
});
