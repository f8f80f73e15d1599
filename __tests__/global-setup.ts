/**
 * Runs once before the whole test run: the suite runs the real Debian tools (promtool, amtool, prometheus,
 * alertmanager, blackbox exporter); when one is missing, the run stops here with one message naming every
 * missing tool and its package, instead of one failure per test that needs it.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Command → Debian package. */
export const DEBIAN_TOOLS: Record<string, string> = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  amtool: 'prometheus-alertmanager',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  'prometheus-blackbox-exporter': 'prometheus-blackbox-exporter',
};

/** Whether `cmd` is an executable file in one of the directories of `searchPath` (a PATH value). */
function onPath(cmd: string, searchPath: string): boolean {
  return searchPath.split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir || '.', cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Throws one error naming every tool of `DEBIAN_TOOLS` that is not on `searchPath`, with the packages to install. */
export function checkDebianTools(searchPath: string): void {
  const missing = Object.keys(DEBIAN_TOOLS).filter((cmd) => !onPath(cmd, searchPath));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((c) => DEBIAN_TOOLS[c]))];
  throw new Error(
    `the tests run real Debian tools, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed: ` +
      `run \`sudo apt-get install -y ${packages.join(' ')}\` (bash .ci/run installs them)`,
  );
}

export default function globalSetup(): void {
  checkDebianTools(process.env.PATH ?? '');
}
