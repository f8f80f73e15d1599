/**
 * `npm run schemas`: writes the JSON Schemas of the catalog files (alerts/schemas/*.schema.json) from the
 * zod schemas the loader validates with, so editors complete and check the same rules. `--check` exits 1
 * when a committed schema is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { CATALOG_FILES } from '../lib/catalog/model';
import { projectRoot } from '../lib/project-root';
import { parseArgs, runCli } from './cli';

/** File name → JSON text of every catalog file kind's schema. */
export function renderSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [kind, spec] of Object.entries(CATALOG_FILES)) {
    // Typed loosely: zod-to-json-schema's generic signature is too deep for tsc on a union of schemas.
    const toJson = zodToJsonSchema as (schema: unknown, options: object) => object;
    const schema = toJson(spec.schema, { name: kind, $refStrategy: 'none', errorMessages: false });
    const doc = { ...schema, title: `DeltaCrown alert catalog: ${spec.pattern}` };
    out.set(`${kind}.schema.json`, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return out;
}

if (require.main === module) {
  runCli(() => {
    const { options } = parseArgs(process.argv.slice(2));
    const dir = path.join(projectRoot(), 'alerts', 'schemas');
    const stale: string[] = [];
    for (const [name, text] of renderSchemas()) {
      const file = path.join(dir, name);
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (current === text) continue;
      if (options.has('check')) stale.push(name);
      else fs.writeFileSync(file, text);
    }
    if (stale.length) {
      process.stderr.write(`stale JSON Schemas: ${stale.join(', ')}; run npm run schemas\n`);
      process.exit(1);
    }
  });
}
