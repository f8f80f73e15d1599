/**
 * The per-SLO records (Sloth's form): objective, error budget, the whole window's error ratio averaged from the
 * recorded shortest window, and the budget remaining — run by promtool on the fixture catalog's export.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parse, stringify } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import { renderExport, writeFiles } from '../lib/export';
import { FIXTURE_ALERTS, requireBinary, tempDir } from './helpers';

describe('SLO records', () => {
  it('record objective, error budget, the 30-day error ratio and the budget remaining', () => {
    const c = loadCatalog(FIXTURE_ALERTS);
    const slo = c.slos.slos[0];
    const budget = Number(((100 - slo.objective) / 100).toFixed(10));
    const out = tempDir('deltacrown-slo-');
    writeFiles(renderExport(c), out);
    // Only the SLO's group: the others have nothing to do with it.
    const all = parse(fs.readFileSync(path.join(out, 'production', 'prometheus', 'rules.yml'), 'utf8')) as { groups: { name: string }[] };
    const rules = path.join(out, 'slo-rules.yml');
    fs.writeFileSync(rules, stringify({ groups: all.groups.filter((g) => g.name === `deltacrown-slo-${slo.name}`) }));
    // Half the budget's error ratio for two days, then none for two more: the period ratio averages the 5m records.
    const errors = Math.round(budget * 10000 * 0.5); // per 10000 requests per 5 minutes
    const test = {
      rule_files: [rules],
      evaluation_interval: '5m',
      tests: [
        {
          interval: '5m',
          input_series: [
            { series: `http_requests_total{service="${slo.service}", code="500"}`, values: `0+${errors}x576 ${errors * 576}+0x576` },
            { series: `http_requests_total{service="${slo.service}", code="200"}`, values: `0+${10000 - errors}x576 ${(10000 - errors) * 576}+10000x576` },
          ],
          promql_expr_test: [
            { expr: `slo:objective:ratio{slo="${slo.name}"}`, eval_time: '1h', exp_samples: [{ labels: `slo:objective:ratio{slo="${slo.name}"}`, value: Number((slo.objective / 100).toFixed(10)) }] },
            { expr: `slo:error_budget:ratio{slo="${slo.name}"}`, eval_time: '1h', exp_samples: [{ labels: `slo:error_budget:ratio{slo="${slo.name}"}`, value: budget }] },
            {
              expr: `round(slo:error_budget_remaining:ratio{slo="${slo.name}"}, 0.01)`,
              eval_time: '47h',
              exp_samples: [{ labels: `{service="${slo.service}", slo="${slo.name}"}`, value: 0.5 }],
            },
            {
              // Two days at half the budget, then two clean days: the budget is a quarter spent over the four days.
              expr: `round(slo:error_budget_remaining:ratio{slo="${slo.name}"}, 0.01)`,
              eval_time: '96h',
              exp_samples: [{ labels: `{service="${slo.service}", slo="${slo.name}"}`, value: 0.75 }],
            },
          ],
        },
      ],
    };
    const file = path.join(out, 'slo-records.test.yml');
    fs.writeFileSync(file, stringify(test));
    const r = spawnSync(requireBinary('promtool', 'prometheus'), ['test', 'rules', file], { encoding: 'utf8', timeout: 120000 });
    expect({ status: r.status, output: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ status: 0, output: '' });
  });
});
