/**
 * Writes the JSON Schema of every published config to docs/schemas/<package>/<ConfigName>.schema.json,
 * or with --check, fails (exit 1) naming each file that is missing, stale or left over. Either way it
 * refuses (exit 1) a field without a description, or whose description does not state its default.
 *
 *   npm run schemas          # write
 *   npm run schemas:check    # CI: the committed files match the schemas
 *
 * A package publishes its configs by keeping `src/internal/config-schemas.ts` that exports
 * `CONFIG_SCHEMAS`, a record of config name (as its TypeScript type, e.g. `FineTuneConfig`) ->
 * zod schema; this tool finds every such file under packages/. Packages other than core load core
 * from its dist, so build first (`npm run build`).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

import { configJsonSchema } from '../../packages/core/src/config';
import { writeFileAtomic } from '../../packages/core/src/io/write-file-atomic';

const root = join(__dirname, '..', '..');
const out = join(root, 'docs', 'schemas');

/** The files each package's schemas should be: path -> text. */
function expectedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const record = join(root, 'packages', pkg, 'src', 'internal', 'config-schemas.ts');
    if (!existsSync(record)) continue;
    const { CONFIG_SCHEMAS } = require(record) as { CONFIG_SCHEMAS: Record<string, Parameters<typeof configJsonSchema>[0]> };
    for (const [name, schema] of Object.entries(CONFIG_SCHEMAS)) {
      files.set(join(out, pkg, `${name}.schema.json`), `${JSON.stringify(configJsonSchema(schema, name), null, 2)}\n`);
    }
  }
  return files;
}

/** The schema files now in docs/schemas. */
function presentFiles(): string[] {
  if (!existsSync(out)) return [];
  return readdirSync(out, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(out, d.name))
        .filter((f) => f.endsWith('.schema.json'))
        .map((f) => join(out, d.name, f)),
    );
}

/** Each field of a published schema without a description, or whose description does not state its default. */
function undocumentedFields(): string[] {
  const problems: string[] = [];
  for (const [path, text] of expectedFiles()) {
    const properties = (JSON.parse(text) as { properties?: Record<string, { description?: string; default?: unknown }> }).properties ?? {};
    for (const [field, property] of Object.entries(properties)) {
      if (typeof property.description !== 'string') problems.push(`${relative(root, path)}: ${field} has no description`);
      else if ('default' in property && !property.description.includes('default'))
        problems.push(`${relative(root, path)}: ${field}'s description does not state its default`);
    }
  }
  return problems;
}

function main(): number {
  const check = process.argv.includes('--check');
  const undocumented = undocumentedFields();
  if (undocumented.length > 0) {
    for (const problem of undocumented) console.error(problem);
    console.error('Describe every field in its schema (.describe()), with its default; the JSON Schemas and the errors show it.');
    return 1;
  }
  const expected = expectedFiles();
  const leftOver = presentFiles().filter((path) => !expected.has(path));
  const stale = [...expected].filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text).map(([path]) => path);
  if (check) {
    if (stale.length === 0 && leftOver.length === 0) {
      console.log(`docs/schemas: ${expected.size} config schemas up to date.`);
      return 0;
    }
    for (const path of stale) console.error(`${relative(root, path)} is missing or stale`);
    for (const path of leftOver) console.error(`${relative(root, path)} has no schema in any src/internal/config-schemas.ts`);
    console.error('Run `npm run schemas` and commit docs/schemas.');
    return 1;
  }
  for (const path of stale) {
    writeFileAtomic(path, expected.get(path)!);
    console.log(`wrote ${relative(root, path)}`);
  }
  for (const path of leftOver) {
    rmSync(path);
    console.log(`removed ${relative(root, path)}`);
  }
  console.log(`docs/schemas: ${expected.size} config schemas.`);
  return 0;
}

process.exitCode = main();
