/** The simulation as a Markdown table (one row per scenario and environment) and as JSON. */
import { formatDuration } from '../duration';
import { afterOnset as at, Outcome } from './outcome';
import { notifiedText } from './notify';
import type { Simulation } from './simulate';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** Who hears of the scenario first at its most severe: the top page, else the first Slack message, else nobody. */
export function notifiedCell(o: Outcome): string {
  if (o.topPage) return `${o.topPage.severity} page at ${at(o.topPage.at)}: ${notifiedText(o.topPage.notified)}`;
  if (o.firstNotice) return `${o.firstNotice.alerts[0]?.severity ?? ''} at ${at(o.firstNotice.at)}: ${notifiedText(o.firstNotice.notified)}`;
  return 'nobody';
}

export function budgetCell(o: Outcome): string {
  const b = o.budget;
  if (!b || !o.topAlert) return '—';
  const d = formatDuration(b.seconds);
  const what = `${o.topAlert.severity} at ${at(o.topAlert.at)}`;
  switch (b.verdict) {
    case 'within':
      return `${what}: within ${d}`;
    case 'over, with exception':
      return `${what}: over ${d} (detection_exception)`;
    case 'over':
      return `⚠️ ${what}: over ${d}${b.note ? ` (${b.note})` : ''}`;
    case 'n/a':
      return `${what} (${b.note})`;
  }
}

export function expectationsCell(o: Outcome): string {
  return o.expectations.map((e) => (e.ok ? `✓ ${e.text}` : `✗ **${e.text}**: ${e.detail ?? 'not met'}`)).join('<br>');
}

/** One row per scenario and environment. */
export function renderTable(outcomes: readonly Outcome[]): string {
  const lines = ['| | scenario | environment | first alert | severity | detection | notified | expectations | detection budget |', '|---|---|---|---|---|---|---|---|---|'];
  for (const o of outcomes) {
    const detection = o.detection === undefined ? '—' : `${at(o.detection)}${o.coarse ? ` (every ${formatDuration(o.step)})` : ''}`;
    lines.push(
      `| ${o.ok ? '✅' : '❌'} | ${o.scenario} | ${o.environment} | ${o.firstAlert?.alertname ?? '—'} | ${o.firstAlert?.severity ?? '—'} | ${detection} | ${cell(notifiedCell(o))} | ${cell(expectationsCell(o))} | ${cell(budgetCell(o))} |`,
    );
  }
  return lines.join('\n');
}

export function renderSimulation(sim: Simulation): string {
  const failed = sim.outcomes.filter((o) => !o.ok);
  const unjudged = sim.outcomes.filter((o) => o.unjudged.length).length;
  const lines = [
    '## Scenario simulation',
    '',
    `**${sim.outcomes.length} scenario runs** (scenario × environment) in ${(sim.wallMs / 1000).toFixed(1)} s, ${sim.processes} promtool process${sim.processes === 1 ? '' : 'es'}: ` +
      (failed.length ? `❌ ${failed.length} failed (${failed.map((o) => `${o.scenario} in ${o.environment}`).join(', ')}).` : 'every expectation holds.'),
    '',
    renderTable(sim.outcomes),
    '',
  ];
  if (unjudged) {
    lines.push(
      `In ${unjudged} run${unjudged === 1 ? '' : 's'} an alert whose window + \`for\` reaches back before the scenario's first sample fired; it is not judged (its average ran over a shorter past than in production). \`--json\` lists them.`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderSimulationJson(sim: Simulation): string {
  return `${JSON.stringify(sim, null, 2)}\n`;
}
