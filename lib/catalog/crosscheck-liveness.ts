/**
 * Absence coverage by construction. An outage that takes its metrics with it (every replica gone, a broken scrape,
 * a dead exporter, synthetic results that never arrive) turns every rule over those metrics into an empty vector:
 * they go quiet instead of firing. So the metric contract names the source of every metric (`metrics.yml`
 * `sources`), some alert declares itself the liveness rule of each source (`liveness: [<source>]`: target down,
 * series absent), and an alert that notifies someone may only use metrics whose every source has one. Every
 * synthetic check's results have a liveness alert selecting the check by its `job`.
 */
import { CatalogIssue } from './errors';
import type { Catalog } from './model';
import { NON_NOTIFYING_SEVERITIES } from './model';
import type { FieldPath, SourceFile } from './source';
import { parsePromql } from '../promql';
import { SERVICES_PLACEHOLDER, WINDOW_PLACEHOLDER } from './names';
import { selectedChecks, PROBE_SUCCESS } from './crosscheck-synthetics';

/** The expression with same-length stand-ins for the placeholders, so that offsets into the YAML string stay exact. */
function standIn(expr: string): string {
  const window = '1'.repeat(WINDOW_PLACEHOLDER.length - 1) + 's';
  return expr.split(SERVICES_PLACEHOLDER).join('x'.repeat(SERVICES_PLACEHOLDER.length)).split(WINDOW_PLACEHOLDER).join(window);
}

function notifies(severity: string): boolean {
  return !(NON_NOTIFYING_SEVERITIES as readonly string[]).includes(severity);
}

export function crossCheckLiveness(c: Catalog): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const msrc = c.sources.metrics;
  const sources = new Set(Object.keys(c.metrics.sources));
  const known = (s: string) => sources.has(s);
  const expected = [...sources].join(', ');

  for (const [m, def] of Object.entries(c.metrics.metrics)) {
    def.source.forEach((s, i) => {
      if (known(s)) return;
      // Written as a list, or as one name (the schema makes it a list).
      const at = Array.isArray(msrc.valueAt(['metrics', m, 'source'])) ? ['metrics', m, 'source', i] : ['metrics', m, 'source'];
      issues.push(msrc.issue(at, `unknown source '${s}'; expected one of ${expected}`));
    });
  }

  // Liveness rules per source, by alert name.
  const watchedBy = new Map<string, string[]>();
  for (const { source, data } of c.ruleFiles) {
    data.families.forEach((f, fi) =>
      f.alerts.forEach((a, ai) =>
        a.liveness?.forEach((s, li) => {
          if (!known(s)) issues.push(source.issue(['families', fi, 'alerts', ai, 'liveness', li], `unknown source '${s}'; expected one of ${expected} (metrics.yml sources)`));
          watchedBy.set(s, [...(watchedBy.get(s) ?? []), a.name]);
        }),
      ),
    );
  }

  // The sources behind each recording rule (a recorded signal, an SLO's error ratio), so that an alert over a
  // recorded name is held to the sources of what it records.
  const recordSources = new Map<string, Set<string>>();
  const sourcesOf = (expr: string): Set<string> => {
    const out = new Set<string>();
    for (const sel of parsePromql(standIn(expr)).selectors) {
      if (!sel.metric) continue;
      const def = c.metrics.metrics[sel.metric] ?? c.metrics.metrics[sel.metric.replace(/_(bucket|sum|count)$/, '')];
      def?.source.forEach((s) => out.add(s));
      if (!def && recordSources.has(sel.metric)) recordSources.get(sel.metric)!.forEach((s) => out.add(s));
    }
    return out;
  };
  for (const { data } of c.ruleFiles) {
    for (const f of data.families) {
      for (const sig of [f.signal, ...f.alerts.map((a) => a.signal)]) if (sig?.record) recordSources.set(sig.record, sourcesOf(sig.expr));
    }
  }
  for (const slo of c.slos.slos) {
    const all = new Set([...sourcesOf(slo.sli.errors), ...sourcesOf(slo.sli.total)]);
    for (const b of Object.values(slo.alerts)) if (b) for (const w of [b.long_window, b.short_window]) recordSources.set(`slo:sli_error:ratio_rate${w}`, all);
  }

  const reported = new Set<string>();
  const checkExpr = (src: SourceFile, expr: string, at: FieldPath, alert: string, exempt: readonly string[]) => {
    for (const sel of parsePromql(standIn(expr)).selectors) {
      if (!sel.metric) continue;
      const def = c.metrics.metrics[sel.metric] ?? c.metrics.metrics[sel.metric.replace(/_(bucket|sum|count)$/, '')];
      const from = def ? def.source : [...(recordSources.get(sel.metric) ?? [])];
      for (const s of from) {
        if (!known(s) || exempt.includes(s) || watchedBy.has(s)) continue;
        const issue = src.issueInValue(
          at,
          sel.from,
          `alert ${alert} uses '${sel.metric}' from source '${s}', which has no liveness rule: when ${s} stops delivering, this alert goes quiet instead of firing; add an alert with 'liveness: [${s}]' (target down / series absent)`,
        );
        const key = `${issue.file}:${issue.line}:${issue.column}:${s}`;
        if (!reported.has(key)) issues.push(issue);
        reported.add(key);
      }
    }
  };

  for (const { source, data } of c.ruleFiles) {
    data.families.forEach((f, fi) =>
      f.alerts.forEach((a, ai) => {
        if (!notifies(a.severity)) return;
        const at: FieldPath = ['families', fi, 'alerts', ai];
        const exempt = a.liveness ?? [];
        if (a.expr !== undefined) checkExpr(source, a.expr, [...at, 'expr'], a.name, exempt);
        else if (a.signal) checkExpr(source, a.signal.expr, [...at, 'signal', 'expr'], a.name, exempt);
        else if (f.signal) checkExpr(source, f.signal.expr, ['families', fi, 'signal', 'expr'], a.name, exempt);
      }),
    );
  }
  c.slos.slos.forEach((slo, i) => {
    const burn = Object.values(slo.alerts).find((b) => b && notifies(b.severity));
    if (!burn || !c.sources.slos) return;
    for (const part of ['errors', 'total'] as const) checkExpr(c.sources.slos, slo.sli[part], ['slos', i, 'sli', part], burn.name, []);
  });

  // Every synthetic check's results have an absence alert that selects the check.
  if (c.synthetics && c.sources.synthetics) {
    const probeSources = c.metrics.metrics[PROBE_SUCCESS]?.source ?? [];
    const names = c.synthetics.checks.map((x) => x.name);
    const covered = new Set<string>();
    for (const { data } of c.ruleFiles) {
      for (const f of data.families) {
        for (const a of f.alerts) {
          if (!a.expr || !a.liveness?.some((s) => probeSources.includes(s))) continue;
          selectedChecks(a.expr, names)?.forEach((n) => covered.add(n));
        }
      }
    }
    c.synthetics.checks.forEach((chk, i) => {
      if (!covered.has(chk.name)) {
        issues.push(
          c.sources.synthetics!.issue(
            ['checks', i, 'name'],
            `no liveness alert (liveness: [${probeSources.join(', ')}]) selects check '${chk.name}' (${PROBE_SUCCESS}{job="${chk.name}"}): if its results stop arriving, its alerts evaluate to nothing`,
          ),
        );
      }
    });
  }
  return issues;
}
