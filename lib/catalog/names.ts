/**
 * Names the catalog's expressions and generated records share: placeholders of rule expressions and the recorded
 * SLO series. Below the cross-checks and the resolver, which all read them.
 */
import type { Slo } from './schema';
import { burnAlertsOf } from './model';
import { seconds } from '../duration';

/** The placeholder an SLI expression uses for its rate window. */
export const WINDOW_PLACEHOLDER = '{{.window}}';
/** The placeholder an alert expression uses for its family's services, as a regex alternation. */
export const SERVICES_PLACEHOLDER = '{{.services}}';
/** The expression of an alert that always fires (the Watchdog): it needs no quiet example. */
export const ALWAYS_FIRING = 'vector(1)';

/** The rate windows an SLO needs recorded: every long and short window of its burn-rate alerts. */
export function sloWindows(slo: Slo): string[] {
  const ws = new Set<string>();
  for (const [, b] of burnAlertsOf(slo)) {
    ws.add(b.short_window);
    ws.add(b.long_window);
  }
  return [...ws].sort((a, b) => seconds(a) - seconds(b));
}

/**
 * The per-SLO records besides the windowed error ratios (labels `slo`, and `service` where the SLI has it), as Sloth
 * records them: the objective and the error budget as ratios, and the budget remaining. The error ratio over the
 * whole SLO window is `sloRecordName(slo.window)`, averaged from the recorded shortest window (no raw 30-day rate on
 * every dashboard refresh).
 */
export const SLO_RECORDS = {
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  budgetRemaining: 'slo:error_budget_remaining:ratio',
} as const;

/** Name of the recording rule holding an SLO's error ratio over one window. */
export function sloRecordName(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}
