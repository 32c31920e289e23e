import { PagePositions } from '../../../lambdas/adapters/dynamodb/partition-pages';

describe('PagePositions: remembered startIndex positions, timed by the Clock port', () => {
  let now: number;
  const clock = { now: () => new Date(now) };
  beforeEach(() => {
    now = Date.parse('2026-12-01T10:00:00Z');
  });

  it('recalls the id before a remembered position of the same partition only', () => {
    const positions = new PagePositions(clock);

    positions.remember('T#acme#U', 101, 'u-100');

    expect(positions.recall('T#acme#U', 101)).toBe('u-100');
    expect(positions.recall('T#other#U', 101)).toBeUndefined();
  });

  it('forgets a position once five minutes have passed on its clock', () => {
    const positions = new PagePositions(clock);
    positions.remember('T#acme#U', 101, 'u-100');

    now += 5 * 60_000 - 1;
    expect(positions.recall('T#acme#U', 101)).toBe('u-100');
    now += 1;
    expect(positions.recall('T#acme#U', 101)).toBeUndefined();
    expect(positions.nearestBefore('T#acme#U', 201)).toEqual({ from: 1 });
  });

  it('finds the nearest fresh position before the one asked for', () => {
    const positions = new PagePositions(clock);
    positions.remember('T#acme#U', 101, 'u-100');
    positions.remember('T#acme#U', 201, 'u-200');
    positions.remember('T#acme#U', 401, 'u-400');

    expect(positions.nearestBefore('T#acme#U', 301)).toEqual({ from: 201, afterId: 'u-200' });
  });
});
