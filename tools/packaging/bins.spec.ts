/**
 * Each package's command works on a fresh clone: npm links a workspace's bin only if its target
 * exists at install time, and `dist/` does not exist then. So every bin points at a committed
 * launcher (packages/X/bin/X.cjs, also published) that runs dist/cli/main.js as the main module,
 * or says in one line to build first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const names = ['core', 'dashboard', 'rl', 'transfer', 'gan', 'nas'];

describe.each(names)('bigmodel-%s', (name) => {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const bin = `bigmodel-${name}`;

  it('points its bin at a launcher committed to git and published with the package', () => {
    expect(manifest.bin).toEqual({ [bin]: `./bin/${bin}.cjs` });
    // Committed: present in a fresh clone, so `npm ci` links it before anything is built.
    expect(execFileSync('git', ['ls-files', `bin/${bin}.cjs`], { cwd: dir, encoding: 'utf8' }).trim()).toBe(`bin/${bin}.cjs`);
    expect(manifest.files).toContain('bin');
  });

  it('is linked in node_modules/.bin by the install', () => {
    expect(realpathSync(join(root, 'node_modules/.bin', bin))).toBe(join(dir, 'bin', `${bin}.cjs`));
  });
});

describe('the launcher', () => {
  const launcher = join(root, 'packages/rl/bin/bigmodel-rl.cjs');
  let pkg: string;
  beforeEach(() => {
    pkg = mkdtempSync(join(tmpdir(), 'bigmodel-launcher-'));
    mkdirSync(join(pkg, 'bin'));
    copyFileSync(launcher, join(pkg, 'bin', 'bigmodel-rl.cjs'));
  });
  afterEach(() => rmSync(pkg, { recursive: true, force: true }));
  const launch = (...args: string[]) => spawnSync(process.execPath, [join(pkg, 'bin', 'bigmodel-rl.cjs'), ...args], { encoding: 'utf8' });

  it('is the same file in every package', () => {
    for (const name of names) {
      const text = readFileSync(join(root, 'packages', name, 'bin', `bigmodel-${name}.cjs`), 'utf8');
      expect(text).toBe(readFileSync(launcher, 'utf8'));
    }
  });

  it('without dist/, exits 1 with one line that says to build', () => {
    const result = launch('--help');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^bigmodel-rl: not built yet \(.*dist\/cli\/main\.js is missing\)\. Run `npm run build`/);
  });

  it('runs dist/cli/main.js as the main module, with the arguments, and keeps its exit code', () => {
    mkdirSync(join(pkg, 'dist', 'cli'), { recursive: true });
    // The CLIs start only when they are the main module (`require.main === module`).
    writeFileSync(
      join(pkg, 'dist', 'cli', 'main.js'),
      'console.log(JSON.stringify({ main: require.main === module, script: process.argv[1], args: process.argv.slice(2) })); process.exitCode = 3;',
    );
    const result = launch('train', '--seed', '7');
    expect(result.status).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({ main: true, script: join(pkg, 'dist', 'cli', 'main.js'), args: ['train', '--seed', '7'] });
  });
});
