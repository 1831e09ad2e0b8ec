/**
 * Every example and benchmark command that the READMEs, docs/ and the scripts' own headers write
 * down still parses (flag names and values), without running it; and the defaults a header states
 * (`[--steps 20000]`) are the defaults the script applies.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import type { ExampleMain } from './cli';

const root = join(__dirname, '..');

/** Placeholders the docs write for a value: replaced by a value of the right kind. */
const PLACEHOLDERS: Record<string, string> = { S: '0', G: '32', K: '3', R: '1', M: '8', N: '1', DIR: 'runs/dir' };

/** The Markdown files users read: README.md, every package's README.md, docs/ (not the generated API). */
function markdownFiles(): string[] {
  const files = [join(root, 'README.md')];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const readme = join(root, 'packages', pkg, 'README.md');
    if (existsSync(readme)) files.push(readme);
  }
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'api') walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk(join(root, 'docs'));
  return files;
}

/** The script files: examples/**\/*.ts and bench/*.ts, without tests and helpers that are not run. */
function scriptFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) files.push(path);
    }
  };
  walk(join(root, 'examples'));
  walk(join(root, 'bench'));
  return files;
}

/** The arguments of a written-down command: placeholders filled in, `a|b` as `a`, up to the first word that is not one. */
function toArgv(text: string): string[] {
  const argv: string[] = [];
  for (const token of text.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean)) {
    const first = token.split('|')[0];
    const value = PLACEHOLDERS[first] ?? first;
    if (/^[A-Z]+$/.test(value)) break; // "... FLAGS", "... OPTION": prose
    argv.push(value);
  }
  return argv;
}

interface Command {
  where: string;
  script: string;
  argv: string[];
}

/** `examples/x.ts --flag v` and `npm run bench[:name] -- --flag v` in the Markdown files. */
function documentedCommands(): Command[] {
  const commands: Command[] = [];
  const run = /(?<script>(?:examples|bench)\/[\w/-]+\.ts)(?<args>(?:[ \t]+(?:\\\n\s*)?[^\s`'"()[\]]+)*)/g;
  const npm = /npm run bench(?::(?<name>[\w-]+))?(?: -- (?<args>[^`'"()\n]*))?/g;
  for (const file of markdownFiles()) {
    const text = readFileSync(file, 'utf8');
    const where = relative(root, file);
    for (const m of text.matchAll(run)) commands.push({ where, script: m.groups!['script'], argv: toArgv(m.groups!['args']) });
    for (const m of text.matchAll(npm)) {
      const script = `bench/${m.groups!['name'] ?? 'run'}.ts`;
      commands.push({ where, script, argv: toArgv(m.groups!['args'] ?? '') });
    }
  }
  return commands;
}

/** The usage lines of each script's header (` *   npx ts-node -T examples/x.ts [--steps 20000] ...`), brackets removed. */
function headerCommands(): Command[] {
  const commands: Command[] = [];
  for (const file of scriptFiles()) {
    const script = relative(root, file);
    const header = readFileSync(file, 'utf8').split('*/')[0];
    const lines = header.split('\n');
    lines.forEach((line, i) => {
      const at = line.indexOf(`${script} `);
      if (at < 0) return;
      let usage = line.slice(at + script.length);
      for (let j = i + 1; j < lines.length && /^\s*\*\s+\[/.test(lines[j]); j++) usage += ` ${lines[j].replace(/^\s*\*/, '')}`;
      commands.push({ where: script, script, argv: toArgv(usage.replace(/[[\]]/g, ' ').replace(/#.*/, '')) });
    });
  }
  return commands;
}

/** Whether `script` runs as a program (helpers such as examples/cli.ts do not). */
function runnable(script: string): boolean {
  const file = join(root, script);
  return existsSync(file) && /^if \(require\.main === module\)/m.test(readFileSync(file, 'utf8'));
}

function mainOf(script: string): ExampleMain<Record<string, unknown>> {
  return (require(join(root, script)) as { main: ExampleMain<Record<string, unknown>> }).main;
}

describe('documented example and benchmark commands', () => {
  const documented = documentedCommands();
  const headers = headerCommands();

  it('finds the commands (a check that the search itself works)', () => {
    expect(documented.length).toBeGreaterThan(60);
    expect(documented).toContainEqual({
      where: 'docs/results/rl.md',
      script: 'examples/rl/td3-mountaincar-continuous.ts',
      argv: ['--steps', '40000', '--seed', '0'],
    });
    expect(headers.map((c) => c.script)).toContain('examples/rl/sac-pendulum.ts');
  });

  it("every documented command and header usage line parses with its script's flags", () => {
    const refused: string[] = [];
    for (const { where, script, argv } of [...documented, ...headers]) {
      if (!runnable(script)) {
        if (!existsSync(join(root, script))) refused.push(`${where}: ${script} does not exist`);
        continue;
      }
      try {
        mainOf(script).parse(argv);
      } catch (error) {
        refused.push(`${where}: ${script} ${argv.join(' ')}: ${(error as Error).message}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it("the long TD3 run's command parses to its steps and seed", () => {
    expect(mainOf('examples/rl/td3-mountaincar-continuous.ts').parse(['--steps', '40000', '--seed', '3'])).toEqual({
      steps: 40_000,
      checkEvery: 10_000,
      seed: 3,
    });
  });

  it('the defaults a header states are the defaults the script applies', () => {
    const wrong: string[] = [];
    for (const { script, argv } of headers) {
      // A script with a required flag (cifar10-cnn's --data) has no all-defaults command line.
      let defaults: Record<string, unknown>;
      try {
        defaults = mainOf(script).parse([]);
      } catch {
        continue;
      }
      const given = mainOf(script).parse(argv);
      for (const [key, value] of Object.entries(given)) {
        // Only `--flag value` pairs with a default (a header may show an example value of a flag without one).
        if (defaults[key] !== undefined && typeof value !== 'boolean' && JSON.stringify(defaults[key]) !== JSON.stringify(value)) {
          wrong.push(`${script}: --${key} is ${JSON.stringify(defaults[key])} by default, ${JSON.stringify(value)} in the header`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
