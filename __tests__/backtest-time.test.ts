/** The backtest's time options (lib/backtest/time.ts): ISO instants and `now`-relative forms against a given "now". */
import { parseInstant } from '../lib/backtest/time';

const now = new Date('2026-03-09T12:00:00Z');

describe('--from / --to', () => {
  it.each([
    ['2026-03-02T10:00:00Z', '2026-03-02T10:00:00.000Z'],
    ['2026-03-02T11:00:00+01:00', '2026-03-02T10:00:00.000Z'],
    ['2026-03-02', '2026-03-02T00:00:00.000Z'],
    ['now', '2026-03-09T12:00:00.000Z'],
    ['now-7d', '2026-03-02T12:00:00.000Z'],
    ['now-1h30m', '2026-03-09T10:30:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseInstant(text, now, '--from').toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2026-03-02T10:00:00', 'now-7', 'now+1d', '2026-13-40T00:00:00Z', ''])('rejects %p naming the option and the accepted forms', (text) => {
    expect(() => parseInstant(text, now, '--from')).toThrow(new RegExp(`^--from: '${text.replace(/[+.]/g, '\\$&')}' is not a time; expected an ISO 8601 instant .*now-<duration>`));
  });
});
