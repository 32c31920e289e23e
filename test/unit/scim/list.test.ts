import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, parsePaging } from '../../../lambdas/scim/list';
import { scimErrorOf } from '../../support/scim-error';

describe('parsePaging: index paging (RFC 7644 §3.4.2.4)', () => {
  it.each([
    [{}, { kind: 'index', startIndex: 1, count: DEFAULT_PAGE_SIZE }],
    [
      { startIndex: '6', count: '5' },
      { kind: 'index', startIndex: 6, count: 5 },
    ],
    [{ startIndex: '0' }, { kind: 'index', startIndex: 1, count: DEFAULT_PAGE_SIZE }],
    [{ startIndex: '-4' }, { kind: 'index', startIndex: 1, count: DEFAULT_PAGE_SIZE }],
    [{ count: '-1' }, { kind: 'index', startIndex: 1, count: 0 }],
    [{ count: '0' }, { kind: 'index', startIndex: 1, count: 0 }],
    [{ count: String(MAX_PAGE_SIZE + 1) }, { kind: 'index', startIndex: 1, count: MAX_PAGE_SIZE }],
    [{ count: '99999999999999999999999' }, { kind: 'index', startIndex: 1, count: MAX_PAGE_SIZE }],
    [
      { startIndex: ' 3 ', count: '' },
      { kind: 'index', startIndex: 3, count: DEFAULT_PAGE_SIZE },
    ],
    [
      { filter: 'userName eq "a"', aadOptscim062020: '' },
      { kind: 'index', startIndex: 1, count: DEFAULT_PAGE_SIZE },
    ],
  ])('reads %j as %j', (query, expected) => {
    const paging = parsePaging(query);

    expect(paging).toEqual(expected);
  });

  it.each([
    [{ startIndex: 'abc' }, 'startIndex'],
    [{ startIndex: '1.5' }, 'startIndex'],
    [{ count: '10x' }, 'count'],
    [{ count: '1e3' }, 'count'],
  ])('rejects %j with 400 invalidValue naming %s', (query, parameter) => {
    const error = scimErrorOf(() => parsePaging(query));

    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain(parameter);
  });
});

describe('parsePaging: cursor paging (RFC 9865)', () => {
  it.each([
    [{ cursor: '' }, { kind: 'cursor', count: DEFAULT_PAGE_SIZE }],
    [
      { cursor: '', count: '5' },
      { kind: 'cursor', count: 5 },
    ],
    [
      { cursor: 'eyJrIjoxfQ', count: '500' },
      { kind: 'cursor', cursor: 'eyJrIjoxfQ', count: MAX_PAGE_SIZE },
    ],
  ])('reads %j as %j', (query, expected) => {
    const paging = parsePaging(query);

    expect(paging).toEqual(expected);
  });

  it('rejects cursor together with startIndex', () => {
    const error = scimErrorOf(() => parsePaging({ cursor: '', startIndex: '1' }));

    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toMatch(/cursor.*startIndex/);
  });
});

describe('encodeCursor / decodeCursor', () => {
  it.each([
    [{}],
    [{ pk: 'TENANT#acme', sk: 'USER#u-1' }],
    [{ n: 5, nested: { a: [1, 'b'] } }],
    [{ text: 'ünïcode ✓ +/=' }],
  ])('round-trips %j through an opaque base64url string', (position) => {
    const cursor = encodeCursor(position);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['not base64url', 'has spaces'],
    ['abc+/', 'base64 but not base64url'],
    [Buffer.from('not json').toString('base64url'), 'not JSON'],
    [Buffer.from('[1,2]').toString('base64url'), 'JSON but not an object'],
    [Buffer.from('null').toString('base64url'), 'JSON null'],
    ['', 'empty'],
    ['A'.repeat(5000), 'far too long'],
  ])('rejects %s (%s) with 400 invalidCursor', (text) => {
    const error = scimErrorOf(() => decodeCursor(text));

    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidCursor');
  });
});
