import { parseLogQuery, parseLogTime } from '../../../lambdas/operations/connection/list-connection-log';
import { ScimError } from '../../../lambdas/scim/errors';

function refusal(run: () => unknown): ScimError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  return undefined;
}

describe('log filters: since and until', () => {
  it.each(['2026-02-30', '2026-04-31', '2026-02-29T09:00Z', '2026-13-01', 'yesterday', '2026-12-01T25:00Z'])(
    'calls %s not a date (400 invalidValue), never a day of another month',
    (text) => {
      const error = refusal(() => parseLogTime('since', text));

      expect(error?.status).toBe(400);
      expect(error?.scimType).toBe('invalidValue');
      expect(error?.detail).toBe(
        `since "${text}" is not a date: use an ISO date or time such as 2026-12-01 or 2026-12-01T09:00:00Z.`,
      );
    },
  );

  it('reads a leap day, a zone and a time without a zone as UTC', () => {
    expect(parseLogTime('since', '2028-02-29')).toBe('2028-02-29T00:00:00.000Z');
    expect(parseLogTime('since', '2026-12-01T09:00+01:00')).toBe('2026-12-01T08:00:00.000Z');
    expect(parseLogTime('since', '2026-12-01T09:00')).toBe('2026-12-01T09:00:00.000Z');
    expect(parseLogTime('until', '2026-12-01 09:00:30')).toBe('2026-12-01T09:00:30.000Z');
  });

  it('takes a bare date until as the whole of that day, so from and to one day is that day', () => {
    const query = parseLogQuery({ since: '2026-12-01', until: '2026-12-01' });

    expect(query.since).toBe('2026-12-01T00:00:00.000Z');
    expect(query.until).toBe('2026-12-01T23:59:59.999Z');
  });
});
