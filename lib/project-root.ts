/** Where the project is, for the commands that rewrite its files (README, docs, schemas). */
import * as fs from 'fs';
import * as path from 'path';

/**
 * The project directory. scripts/run.cjs, which runs the compiled commands from `node_modules/.cache/deltacrown/`
 * (possibly through a linked node_modules of another checkout), says which project it runs in
 * (`DELTACROWN_PROJECT_ROOT`); from source (tsx, jest) it is the nearest directory above this module holding the
 * project's package.json.
 */
export function projectRoot(from = __dirname): string {
  if (process.env.DELTACROWN_PROJECT_ROOT) return process.env.DELTACROWN_PROJECT_ROOT;
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'deltacrown-alerting') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no deltacrown-alerting package.json above ${from}`);
  }
}
