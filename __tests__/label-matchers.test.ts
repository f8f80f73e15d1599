/**
 * lib/label-matchers.ts, the project's one matcher module: Alertmanager's regexes (`^(?:re)$`,
 * pkg/labels/matcher.go) and Prometheus's (`^(?s:re)$`, model/labels/regexp.go: `.` also matches a newline) told
 * apart; a missing label is the empty string; a label set's key does not depend on the order of its labels.
 */
import { escapeRegex, labelsKey, matches, matchesAll, matchesValue, parseMatcher, parseSelector } from '../lib/label-matchers';

describe('label matchers', () => {
  it('anchors regular expressions at both ends, in both dialects', () => {
    const m = parseMatcher('severity=~"high|warning"');
    expect(['high', 'warning', 'critical', 'highest', 'xhigh'].map((v) => matchesValue(m, v))).toEqual([true, true, false, false, false]);
    expect(['high', 'highest'].map((v) => matchesValue(m, v, 'prometheus'))).toEqual([true, false]);
  });

  it('lets `.` match a newline in Prometheus’s dialect only', () => {
    const m = parseMatcher('description=~"a.b"');
    expect(matchesValue(m, 'a\nb', 'prometheus')).toBe(true);
    expect(matchesValue(m, 'a\nb', 'alertmanager')).toBe(false);
    expect(matchesValue(m, 'axb')).toBe(true);
  });

  it('reads a missing label as the empty string', () => {
    expect(matches(parseMatcher('team=""'), {})).toBe(true);
    expect(matches(parseMatcher('team!=""'), {})).toBe(false);
    expect(matches(parseMatcher('team!~"a|b"'), {})).toBe(true);
  });

  it('matches a series selector in Prometheus’s dialect, its metric name included', () => {
    const sel = parseSelector('http_requests_total{code=~"5..", route!="/health"}');
    expect(matchesAll(sel.matchers, { __name__: 'http_requests_total', code: '503', route: '/api' }, 'prometheus')).toBe(true);
    expect(matchesAll(sel.matchers, { __name__: 'http_requests_total', code: '503', route: '/health' }, 'prometheus')).toBe(false);
    expect(matchesAll(sel.matchers, { __name__: 'other', code: '503' }, 'prometheus')).toBe(false);
  });

  it('escapes a literal for a regular expression: it then matches itself only', () => {
    const literal = 'a.b*c+(d)|[e]{f}^$\\?';
    const m = parseMatcher(`x=~${JSON.stringify(escapeRegex(literal))}`);
    expect(matchesValue(m, literal)).toBe(true);
    expect(matchesValue(m, 'aXb*c+(d)|[e]{f}^$\\?')).toBe(false);
  });

  it('keys a label set by its sorted names and quoted values', () => {
    expect(labelsKey({ b: '2', a: '1' })).toBe(labelsKey({ a: '1', b: '2' }));
    expect(labelsKey({ a: '1', b: '2' })).toBe('a="1",b="2"');
    expect(labelsKey({ a: 'x,b="y"' })).not.toBe(labelsKey({ a: 'x', b: 'y' }));
  });
});
