/** Shared command-line plumbing: argument parsing and the report of a bad catalog. */
import { CatalogError, formatIssue } from '../lib/catalog/errors';

/** Runs a command; a `CatalogError` is printed issue by issue and exits 1, other errors exit 2. */
export function runCli(main: () => void | Promise<void>): void {
  Promise.resolve()
    .then(main)
    .catch((e: unknown) => {
      if (e instanceof CatalogError) {
        process.stderr.write(`${e.issues.map(formatIssue).join('\n')}\n`);
        process.stderr.write(`catalog invalid: ${e.issues.length} error${e.issues.length === 1 ? '' : 's'}; nothing was written\n`);
        process.exit(1);
      }
      // A plain message for people; the stack only when asked for (DEBUG=1).
      const detail = e instanceof Error ? (process.env.DEBUG ? (e.stack ?? e.message) : e.message) : String(e);
      process.stderr.write(`error: ${detail}\n`);
      process.exit(2);
    });
}

/** `--name value` / `--name=value` options and positional arguments. */
export function parseArgs(argv: string[]): { positional: string[]; options: Map<string, string | true> } {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq !== -1) options.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.set(a.slice(2), argv[++i]);
    else options.set(a.slice(2), true);
  }
  return { positional, options };
}

/** The value of a string option, or the default. */
export function option(options: Map<string, string | true>, name: string, fallback?: string): string | undefined {
  const v = options.get(name);
  if (v === true) throw new Error(`--${name} needs a value`);
  return v ?? fallback;
}

/**
 * An instant option (`--at 2026-12-07T00:00:00Z`): an ISO 8601 date-time with a time zone designator. Without the
 * option, `now()` — the command line is the only place that reads the clock.
 */
export function instantOption(options: Map<string, string | true>, name: string, now: () => Date): Date {
  const v = option(options, name);
  if (v === undefined) return now();
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw new Error(`--${name}: '${v}' is not an ISO 8601 instant; expected e.g. 2026-12-07T00:00:00Z`);
  }
  return new Date(v);
}

/** A comma-separated (or repeated) list option. */
export function listOption(argv: string[], name: string): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${name}` && i + 1 < argv.length) out.push(argv[++i]);
    else if (a.startsWith(`--${name}=`)) out.push(a.slice(name.length + 3));
  }
  const items = out.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

