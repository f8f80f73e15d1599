/**
 * Compares the reviewable items of two catalogs (base and head) and classifies every change by what it does
 * to paging: tightened / loosened thresholds, added / removed items, severity raised / lowered, routing
 * changed, escalation slower / faster. The changes that make paging quieter or slower are flagged.
 */
import type { FieldKind, ReviewField, ReviewItem } from './facets';

export const CHANGE_CLASSES = [
  'loosened',
  'removed',
  'severity lowered',
  'escalation slower',
  'tightened',
  'added',
  'severity raised',
  'escalation faster',
  'routing changed',
  'changed',
  'moved',
] as const;
export type ChangeClass = (typeof CHANGE_CLASSES)[number];

/** Classes that make paging quieter, later or absent: a reviewer must look at them. */
export const FLAGGED: ReadonlySet<ChangeClass> = new Set(['loosened', 'removed', 'severity lowered', 'escalation slower']);

export interface Change {
  kind: string;
  name: string;
  /** Environments where exactly this change happens. */
  environments: string[];
  field?: string;
  old?: string;
  new?: string;
  class: ChangeClass;
  flagged: boolean;
}

function classify(kind: FieldKind, a: ReviewField, b: ReviewField): ChangeClass {
  const up = typeof a.value === 'number' && typeof b.value === 'number' ? b.value > a.value : false;
  switch (kind) {
    case 'above':
    case 'delay':
      return up ? 'loosened' : 'tightened';
    case 'below':
    case 'objective':
      return up ? 'tightened' : 'loosened';
    case 'severity':
      return up ? 'severity lowered' : 'severity raised'; // value is a rank: 0 = critical
    case 'escalation':
      return up ? 'escalation slower' : 'escalation faster';
    case 'routing':
      return 'routing changed';
    case 'plain':
      return 'changed';
  }
}

/** Every change from `base` to `head`, merged across environments, flagged ones first. */
export function diffItems(base: ReviewItem[], head: ReviewItem[]): Change[] {
  const key = (i: ReviewItem) => `${i.kind}\0${i.name}\0${i.environment}`;
  const before = new Map(base.map((i) => [key(i), i]));
  const after = new Map(head.map((i) => [key(i), i]));
  type Row = Omit<Change, 'environments'> & { environment: string };
  const raw: Row[] = [];
  const push = (c: Omit<Change, 'environments' | 'flagged'>, environment: string) => raw.push({ ...c, flagged: FLAGGED.has(c.class), environment });

  for (const [k, b] of before) {
    const a = after.get(k);
    if (!a) push({ kind: b.kind, name: b.name, class: 'removed' }, b.environment);
  }
  for (const [k, a] of after) {
    const b = before.get(k);
    if (!b) {
      push({ kind: a.kind, name: a.name, class: 'added' }, a.environment);
      continue;
    }
    for (const [field, nf] of Object.entries(a.fields)) {
      const of = b.fields[field];
      if (!of) {
        push({ kind: a.kind, name: a.name, field, new: nf.display, class: 'changed' }, a.environment);
      } else if (of.value !== nf.value) {
        push({ kind: a.kind, name: a.name, field, old: of.display, new: nf.display, class: classify(nf.kind, of, nf) }, a.environment);
      }
    }
    for (const [field, of] of Object.entries(b.fields)) {
      if (!a.fields[field]) push({ kind: a.kind, name: a.name, field, old: of.display, class: 'changed' }, a.environment);
    }
    if (a.file && b.file && a.file !== b.file) push({ kind: a.kind, name: a.name, field: 'file', old: b.file, new: a.file, class: 'moved' }, a.environment);
  }

  // Merge identical changes of several environments into one row.
  const merged = new Map<string, Change>();
  for (const r of raw) {
    const k = [r.kind, r.name, r.field, r.old, r.new, r.class].join('\0');
    const m = merged.get(k);
    if (m) m.environments.push(r.environment);
    else {
      const { environment, ...rest } = r;
      merged.set(k, { ...rest, environments: [environment] });
    }
  }
  const order = (c: Change) => CHANGE_CLASSES.indexOf(c.class);
  return [...merged.values()].sort((x, y) => Number(y.flagged) - Number(x.flagged) || order(x) - order(y) || x.kind.localeCompare(y.kind) || x.name.localeCompare(y.name));
}
