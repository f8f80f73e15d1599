/**
 * The firing alerts of a rule file over a scenario's input series, at every evaluation, from the real promtool
 * (`promtool test rules`, Prometheus 2.42).
 *
 * promtool evaluates every rule group of the file at each `evaluation_interval` from 0 to the last `eval_time`, and
 * writes each alerting rule's `ALERTS` series (the rule manager's own state: `for`, `keep_firing_for`, resolution
 * with a staleness marker) into its test storage; `promql_expr_test`s are instant queries against that storage after
 * the evaluation (cmd/promtool/unittest.go: the evaluation loop, then "Checking promql expressions"). So one test
 * group with one `ALERTS{alertstate="firing"}` query per evaluation and no expected samples fails at every
 * evaluation where an alert fires, and promtool prints what it got:
 *
 *     expr: "ALERTS{alertstate=\"firing\"}", time: 1m30s,
 *         exp: nil
 *         got: {__name__="ALERTS", alertname="X", alertstate="firing", severity="critical"} 1E+00, {…} 1E+00
 *
 * An evaluation where nothing fires passes and prints nothing. One process per scenario.
 */
import { spawn } from 'child_process';
import { escapeRegex, Labels } from '../label-matchers';
import type { InputSeries } from './series';
import { formatDuration, seconds } from '../duration';

export interface PromtoolTest {
  /** Absolute path of the rule file. */
  ruleFile: string;
  /** Evaluation step, seconds. */
  step: number;
  /** Sample spacing, seconds. */
  scrape: number;
  /** Last evaluation, seconds (evaluations at 0, step, 2·step … end). */
  end: number;
  series: InputSeries[];
  /** Alert names left out of the query (an always-firing heartbeat: it would fill the output). */
  ignore: string[];
}

/** The promtool unit-test file (JSON, which is YAML) asking for the firing alerts at every evaluation. */
export function testFile(t: PromtoolTest): string {
  const ignore = t.ignore.length ? `, alertname!~"${t.ignore.map((n) => escapeRegex(n)).join('|')}"` : '';
  const expr = `ALERTS{alertstate="firing"${ignore}}`;
  const tests = [];
  for (let at = 0; at <= t.end; at += t.step) tests.push({ expr, eval_time: formatDuration(at), exp_samples: [] });
  return JSON.stringify({
    rule_files: [t.ruleFile],
    evaluation_interval: formatDuration(t.step),
    tests: [{ interval: formatDuration(t.scrape), input_series: t.series, promql_expr_test: tests }],
  });
}

/** Firing alerts by evaluation time (seconds); evaluations where nothing fired are absent. */
export type FiringByTime = Map<number, Labels[]>;

export class PromtoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromtoolError';
  }
}

/** Runs `promtool test rules <file>`; resolves with its exit code and output (stdout then stderr). */
export function runPromtool(file: string, cwd: string, binary = 'promtool'): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(binary, ['test', 'rules', file], { cwd });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', (e: NodeJS.ErrnoException) =>
      // Not a verdict on one scenario: the whole run cannot go on.
      reject(e.code === 'ENOENT' ? new Error(`${binary} is not installed: run \`sudo apt-get install -y prometheus\` (it brings promtool)`) : e),
    );
    p.on('close', (code) => resolve({ code: code ?? 1, output: `${Buffer.concat(out).toString()}\n${Buffer.concat(err).toString()}` }));
  });
}

/** The firing alerts promtool reported; throws PromtoolError on anything else it printed (an evaluation error, a bad file). */
export function parseFiring(output: string): FiringByTime {
  const firing: FiringByTime = new Map();
  const unexpected: string[] = [];
  let time: number | undefined;
  for (const line of output.split('\n')) {
    const t = line.trim();
    if (!t || t === 'FAILED:' || t === 'SUCCESS' || t.startsWith('Unit Testing:') || t === 'exp: nil') continue;
    const head = /^expr: ".*", time: ([0-9a-z.]+),$/.exec(t);
    if (head) {
      time = seconds(head[1]);
      continue;
    }
    if (t.startsWith('got: ') && time !== undefined) {
      firing.set(time, parseSamples(t.slice(5)));
      time = undefined;
      continue;
    }
    unexpected.push(t);
  }
  if (unexpected.length) throw new PromtoolError(`promtool: ${unexpected.slice(0, 5).join('\n')}`);
  return firing;
}

/** `{a="1", b="x"} 1E+00, {…} 1E+00` (Go's labels.String and strconv.Quote) → label sets. */
export function parseSamples(text: string): Labels[] {
  const out: Labels[] = [];
  let i = 0;
  const fail = () => new PromtoolError(`promtool: cannot read the samples '${text.slice(0, 200)}'`);
  if (text.trim() === 'nil') return out;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (i >= text.length) break;
    if (text[i] !== '{') throw fail();
    i++;
    const labels: Record<string, string> = {};
    while (text[i] !== '}') {
      while (text[i] === ' ' || text[i] === ',') i++;
      if (text[i] === '}') break;
      const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i))?.[0];
      if (!name || text[i + name.length] !== '=' || text[i + name.length + 1] !== '"') throw fail();
      i += name.length + 2;
      let value = '';
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          const e = text[++i];
          if (e === 'x' || e === 'u' || e === 'U') {
            const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
            value += String.fromCodePoint(parseInt(text.slice(i + 1, i + 1 + n), 16));
            i += n;
          } else value += ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[e] ?? e;
          i++;
        } else value += text[i++];
      }
      if (i >= text.length) throw fail();
      i++;
      labels[name] = value;
    }
    i++;
    while (i < text.length && text[i] !== ',') i++; // the value (1E+00)
    out.push(labels);
  }
  return out;
}
