/**
 * The backtest's PromQL rewriting (lib/backtest/promql.ts): records the history lacks replaced by their expressions
 * (labels and name set, other matchers applied, range selectors as subqueries at the record's interval, offsets
 * kept), the selectors an expression reads with their offsets. Every rewritten expression must parse with the real
 * PromQL grammar; __tests__/backtest-e2e.test.ts checks on a real Prometheus that it returns the record's series.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { inlineRecords, parseSelector, recordsUsed, selectorUses } from '../lib/backtest/promql';
import type { RecordingRule } from '../lib/backtest/rules';

const rec = (record: string, expr: string, labels: Record<string, string> = {}, intervalS = 30): RecordingRule => ({ record, expr, labels, group: 'g', intervalS });
const ratio = rec('service:errors:ratio_rate5m', 'sum by (service) (rate(errors_total[5m])) / sum by (service) (rate(requests_total[5m]))');
const sloApi = rec('slo:sli_error:ratio_rate1h', 'sum(rate(errors_total{service="api"}[1h]))', { slo: 'api' });
const sloWorker = rec('slo:sli_error:ratio_rate1h', 'sum(rate(errors_total{service="worker"}[1h]))', { slo: 'worker' });
const budget = rec('slo:budget:remaining', '1 - slo:sli_error:ratio_rate1h{slo="api"} / 0.001', { slo: 'api' });
const records = [ratio, sloApi, sloWorker, budget];
const all = { records, inline: () => true };

function parses(expr: string): boolean {
  let ok = true;
  parser.parse(expr).iterate({ enter: (n) => void (n.type.isError && (ok = false)) });
  return ok;
}

describe('inlining records the history lacks', () => {
  it('replaces a record by its expression with the record’s name set, as Prometheus writes it', () => {
    const out = inlineRecords('service:errors:ratio_rate5m > 0.05', all);
    expect(out).toBe(`(label_replace(${ratio.expr}, "__name__", "service:errors:ratio_rate5m", "", "")) > 0.05`);
    expect(parses(out)).toBe(true);
  });

  it('picks the record a static label selects and sets its labels', () => {
    const out = inlineRecords('slo:sli_error:ratio_rate1h{slo="api"} > 0.0144', all);
    expect(out).toContain('errors_total{service="api"}');
    expect(out).not.toContain('worker');
    expect(out).toContain('"slo", "api"');
    expect(parses(out)).toBe(true);
  });

  it('takes the union of every record of that name when no static label tells them apart', () => {
    const out = inlineRecords('slo:sli_error:ratio_rate1h > 1', all);
    expect(out).toMatch(/service="api".* or .*service="worker"/s);
    expect(parses(out)).toBe(true);
  });

  it('selects nothing when the static labels exclude every record', () => {
    expect(inlineRecords('slo:sli_error:ratio_rate1h{slo="none"}', all)).toBe('(vector(0) < 0)');
  });

  it('filters by matchers on labels the expression returns (=, =~, !=, !~)', () => {
    for (const m of ['service="api"', 'service=~"a.*"', 'service!="api"', 'service!~"a.*"']) {
      const out = inlineRecords(`service:errors:ratio_rate5m{${m}}`, all);
      expect(out).toContain('backtest_match');
      expect(out).toContain(m.includes('!') ? ' unless on (backtest_match) ' : ' and on (backtest_match) ');
      expect(parses(out)).toBe(true);
    }
    // A literal value is matched literally (regex characters escaped).
    expect(inlineRecords('service:errors:ratio_rate5m{service="a.b"}', all)).toContain('"a\\\\.b"');
  });

  it('turns a range over a record into a subquery at the record’s evaluation interval, keeping offsets', () => {
    const out = inlineRecords('sum_over_time(service:errors:ratio_rate5m[30d] offset 1w)', all);
    expect(out).toMatch(/^sum_over_time\(\(.*\)\[30d:30s\] offset 1w\)$/s);
    expect(parses(out)).toBe(true);
  });

  it('reads an instant selector with an offset as the last evaluation before that instant', () => {
    const out = inlineRecords('service:errors:ratio_rate5m offset 1h > 0', all);
    expect(out).toMatch(/^last_over_time\(\(.*\)\[30s:30s\] offset 1h\) > 0$/s);
    expect(parses(out)).toBe(true);
  });

  it('expands records built on records down to raw series', () => {
    const out = inlineRecords('slo:budget:remaining < 0', all);
    expect(out).toContain('errors_total{service="api"}[1h]');
    expect(out).not.toMatch(/slo:sli_error:ratio_rate1h\{/);
    expect(recordsUsed('slo:budget:remaining < 0', records).map((r) => r.record).sort()).toEqual(['slo:budget:remaining', 'slo:sli_error:ratio_rate1h']);
  });

  it('leaves records the history holds alone', () => {
    expect(inlineRecords('service:errors:ratio_rate5m > 0.05', { records, inline: () => false })).toBe('service:errors:ratio_rate5m > 0.05');
    // Only the lacking one is expanded.
    const out = inlineRecords('slo:budget:remaining < 0', { records, inline: (r) => r === budget });
    expect(out).toContain('slo:sli_error:ratio_rate1h{slo="api"}');
  });
});

describe('selectors an expression reads', () => {
  it('lists each selector with the offset it is read at, offsets of subqueries added', () => {
    expect(selectorUses('rate(a{x="1"}[5m] offset 1w) / (b)[1h:1m] offset 1d + c @ 100')).toEqual([
      { selector: 'a{x="1"}', offsetS: 604800 },
      { selector: 'b', offsetS: 86400 },
    ]);
  });

  it('parses selector names and matchers, a __name__ matcher as the name', () => {
    expect(parseSelector('{__name__="up", job=~"a|b"}')).toEqual({ metric: 'up', matchers: [{ name: 'job', op: '=~', value: 'a|b' }] });
  });

  it('rejects an expression that does not parse', () => {
    expect(() => selectorUses('rate(x[5m]')).toThrow(/syntax error/);
  });
});
