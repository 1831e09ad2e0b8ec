/**
 * Each package, packed with `npm pack`, installs alone in a clean project outside the workspace
 * (its tarball plus the registry, preferring npm's cache) and works there: `require` (CJS) and
 * `import` (ESM) both load it, TypeScript sees its types, and its bin (if any) answers --help.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BIGMODEL_WASM_THREADS: '1' },
  });

/** The packages this test packs, with a snippet each that uses the public API; `with`: sibling packages packed and installed alongside. */
const packages: {
  dir: string;
  name: string;
  with?: string[];
  peers: string[];
  use: string;
  expected: object;
  bin: string;
  types: string;
}[] = [
  {
    dir: 'packages/core',
    name: '@bigmodel/core',
    peers: ['@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'],
    use: 'const info = await core.initBackend(); const m = core.createReferenceCnn({ seed: 1 }); console.log(JSON.stringify({ name: info.name, params: m.countParams() }));',
    expected: { name: 'wasm', params: 225034 },
    bin: 'bigmodel-core',
    types:
      "import { initBackend, type BackendInfo, InvalidArgumentError } from '@bigmodel/core';\nconst p: Promise<BackendInfo> = initBackend({ backend: 'wasm' });\nvoid p; void InvalidArgumentError;\n",
  },
  {
    dir: 'packages/dashboard',
    name: '@bigmodel/dashboard',
    // It reads run files through core's contained-file helpers.
    with: ['packages/core'],
    peers: ['@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'],
    use: "const d = await core.startDashboard({ runsDir: '.' }); const ok = d.url.startsWith('http://127.0.0.1:'); await d.close(); console.log(JSON.stringify({ ok }));",
    expected: { ok: true },
    bin: 'bigmodel-dashboard',
    types:
      "import { startDashboard, type Dashboard } from '@bigmodel/dashboard';\nconst p: Promise<Dashboard> = startDashboard({ runsDir: 'runs' });\nvoid p;\n",
  },
  {
    dir: 'packages/rl',
    name: '@bigmodel/rl',
    with: ['packages/core'],
    peers: ['@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'],
    use: "const env = core.make('CartPole-v1'); const r = env.reset({ seed: 0 }); const s = env.step(1); console.log(JSON.stringify({ size: r.observation.length, reward: s.reward, threshold: env.spec.rewardThreshold }));",
    expected: { size: 4, reward: 1, threshold: 475 },
    bin: 'bigmodel-rl',
    types: "import { make, type Env, Dqn } from '@bigmodel/rl';\nconst env: Env = make('CartPole-v1');\nvoid env; void Dqn;\n",
  },
  {
    dir: 'packages/transfer',
    name: '@bigmodel/transfer',
    // Sibling packages it depends on, packed and installed with it (they are not on the registry).
    with: ['packages/core'],
    peers: ['@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'],
    use: "const { model, metadata } = await core.loadBase('zoo:mnist-digits-0to4'); console.log(JSON.stringify({ params: model.countParams(), feature: metadata.featureLayer, zoo: core.zooNames().includes('mnist-digits-0to4') }));",
    expected: { params: 458405, feature: 'features', zoo: true },
    bin: 'bigmodel-transfer',
    types:
      "import { loadBase, type BaseModel, freeze } from '@bigmodel/transfer';\nconst p: Promise<BaseModel> = loadBase('zoo:mnist-digits-0to4');\nvoid p; void freeze;\n",
  },
  {
    dir: 'packages/gan',
    name: '@bigmodel/gan',
    with: ['packages/core'],
    peers: ['@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'],
    use: "const c = core.resolveGanConfig({ ngf: 32 }); const fs = await import('node:fs'); console.log(JSON.stringify({ depth: c.depth, classifier: fs.existsSync(core.DEFAULT_CLASSIFIER_DIR + '/model.json') }));",
    expected: { depth: 2, classifier: true },
    bin: 'bigmodel-gan',
    types:
      "import { resolveGanConfig, type ResolvedGanConfig } from '@bigmodel/gan';\nconst c: ResolvedGanConfig = resolveGanConfig({ kind: 'wgan-gp' });\nvoid c;\n",
  },
  {
    dir: 'packages/nas',
    name: '@bigmodel/nas',
    with: ['packages/core'],
    peers: ['@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'],
    use: "const s = core.builtinSpace('cell'); const t = new core.RegularizedEvolution(s, { seed: 0 }).ask(); console.log(JSON.stringify({ edges: Object.keys(t.config).length, valid: (s.validate(t.config), true) }));",
    expected: { edges: 6, valid: true },
    bin: 'bigmodel-nas',
    types:
      "import { SearchSpace, TPE, type Trial } from '@bigmodel/nas';\nconst t: Trial = new TPE(new SearchSpace({ params: { x: { type: 'float', min: 0, max: 1 } } })).ask();\nvoid t;\n",
  },
];

describe.each(packages)('$name packed and installed alone', (pkg) => {
  const project = mkdtempSync(join(tmpdir(), 'bigmodel-pack-'));

  beforeAll(() => {
    const pack = (dir: string) =>
      join(project, run('npm', ['pack', '--silent', '--pack-destination', project], join(root, dir)).trim().split('\n').pop()!);
    const tarballs = [pkg.dir, ...(pkg.with ?? [])].map(pack);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const typescript = JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')).version;
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs, ...pkg.peers, `typescript@${typescript}`], project);
  });

  // Each consumer project holds ~400 MB of installed packages: remove it, or runs fill the disk.
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('works through require (CommonJS)', () => {
    const script = `const core = require('${pkg.name}'); (async () => { ${pkg.use} })();`;
    expect(JSON.parse(run(process.execPath, ['-e', script], project).trim().split('\n').pop()!)).toEqual(pkg.expected);
  });

  it('works through import (ES modules)', () => {
    const script = `import * as core from '${pkg.name}'; ${pkg.use}`;
    expect(JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], project).trim().split('\n').pop()!)).toEqual(
      pkg.expected,
    );
  });

  it('installs its bin, which answers --help', () => {
    expect(run(join(project, 'node_modules/.bin', pkg.bin), ['--help'], project)).toMatch(new RegExp(`Usage: ${pkg.bin}`));
  });

  it('gives TypeScript its types', () => {
    writeFileSync(join(project, 'use.ts'), pkg.types);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          noEmit: true,
          skipLibCheck: true,
          lib: ['es2022', 'dom'],
          types: [],
        },
        files: ['use.ts'],
      }),
    );
    const tsc = () => spawnSync(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8' });
    expect(tsc()).toMatchObject({ status: 0, stdout: '' });
    // And a type error is caught, so the check above can fail.
    writeFileSync(join(project, 'use.ts'), `${pkg.types}const wrong: number = 'text';\n`);
    const failing = tsc();
    expect(failing.status).not.toBe(0);
    expect(failing.stdout).toMatch(/TS2322/);
  });
});
