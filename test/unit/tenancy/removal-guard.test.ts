import {
  DEFAULT_GUARD_SETTINGS,
  formatWindow,
  GuardSettingsError,
  parseMaxRemovals,
  parsePercent,
  parseWindow,
  removalLimit,
  removalsInWindow,
  windowIndexOf,
} from '../../../lambdas/tenancy/removal-guard';

describe('removal guard settings and counting (pure)', () => {
  it('parses windows from 1m to 7d and prints them back in the largest whole unit', () => {
    expect(parseWindow('1h')).toBe(3600);
    expect(parseWindow('90m')).toBe(5400);
    expect(parseWindow('7d')).toBe(604_800);
    expect(parseWindow('60s')).toBe(60);
    expect(formatWindow(3600)).toBe('1h');
    expect(formatWindow(5400)).toBe('90m');
    expect(formatWindow(86_400)).toBe('1d');
    expect(formatWindow(90)).toBe('90s');
    for (const bad of ['', 'soon', '1', '1w', '0m', '59s', '8d', '-1h', '1.5h', '1 h x'])
      expect(() => parseWindow(bad)).toThrow(GuardSettingsError);
  });

  it('takes whole removal counts from 1 and percentages above 0 up to 100 (or none)', () => {
    expect(parseMaxRemovals('10')).toBe(10);
    for (const bad of ['0', '-3', '1.5', 'ten', '', '1e3', '99999999999'])
      expect(() => parseMaxRemovals(bad)).toThrow(GuardSettingsError);
    expect(parsePercent('20')).toBe(20);
    expect(parsePercent('0.5')).toBe(0.5);
    expect(parsePercent('none')).toBeUndefined();
    for (const bad of ['0', '-1', '101', 'half', '']) expect(() => parsePercent(bad)).toThrow(GuardSettingsError);
  });

  it('is on by default at 500 removals per hour, like Entra accidental deletions prevention', () => {
    expect(DEFAULT_GUARD_SETTINGS).toEqual({ enabled: true, maxRemovals: 500, windowSeconds: 3600 });
  });

  it('applies the smaller of the count and the share of users, never below one removal', () => {
    expect(removalLimit({ enabled: true, maxRemovals: 500, windowSeconds: 3600 }, 100_000)).toBe(500);
    expect(removalLimit({ enabled: true, maxRemovals: 500, windowSeconds: 3600, percent: 10 }, 1_000)).toBe(100);
    expect(removalLimit({ enabled: true, maxRemovals: 50, windowSeconds: 3600, percent: 10 }, 1_000)).toBe(50);
    expect(removalLimit({ enabled: true, maxRemovals: 500, windowSeconds: 3600, percent: 10 }, 3)).toBe(1);
  });

  it('counts a sliding window: the previous window weighs by how much of it is still inside', () => {
    const hour = 3600;
    const start = windowIndexOf(Date.UTC(2026, 11, 1, 10), hour) * hour * 1000;
    const index = windowIndexOf(start, hour);

    expect(removalsInWindow({ index, current: 7, previous: 0 }, start + 1000, hour)).toBeCloseTo(7);
    // 15 minutes into the window, three quarters of the previous one are still within the last hour.
    expect(removalsInWindow({ index, current: 2, previous: 8 }, start + 15 * 60_000, hour)).toBeCloseTo(8);
    expect(removalsInWindow({ index, current: 2, previous: 8 }, start + hour * 1000 - 1, hour)).toBeCloseTo(2, 2);
  });
});
