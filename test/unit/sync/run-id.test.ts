import { newRunId } from '../../../lambdas/sync/run-record';

describe('newRunId', () => {
  it('sorts two runs of the same second by their start, whatever their random parts', () => {
    const earlier = newRunId(new Date('2026-12-02T06:10:59.120Z'), 'zzzzzzzz');
    const later = newRunId(new Date('2026-12-02T06:10:59.870Z'), 'aaaaaaaa');
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });

  it('keeps only letters and digits of the random part, at most eight', () => {
    expect(newRunId(new Date('2026-12-02T06:10:59.007Z'), 'ab-cd_ef+gh12')).toBe('20261202T061059007Z-abcdefgh');
  });
});
