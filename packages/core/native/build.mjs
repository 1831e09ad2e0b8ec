#!/usr/bin/env node
// Compiles bigmodel's C kernels into the WebAssembly modules bigmodel runs on the tfjs wasm backend's
// memory, and generates the TypeScript side of their ABI:
//   src/kernels/native/kernels-wasm.ts  the kernels module (conv.c, pool.c, ... below), base64-encoded
//   src/kernels/native/gemm-wasm.ts     the relaxed-SIMD GEMM module (gemm.c), base64-encoded
//   src/kernels/native/abi.ts           abi.h's constants and both modules' export signatures
// All three are committed, so that users and CI need no C toolchain.
//
//   node packages/core/native/build.mjs           rebuild the three files
//   node packages/core/native/build.mjs --check   fail if a committed file differs from a rebuild
//
// Needs Debian's clang-16 and lld-16 (`apt-get install clang-16 lld-16`).
// The module imports the tfjs module's memory, so it must own none: this script refuses a build
// with a data segment or any use of a global (the stack pointer). It also refuses a module whose
// exports differ from the declarations abi.h lists for it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, '..', 'src', 'kernels', 'native');
const work = mkdtempSync(join(tmpdir(), 'bigmodel-native-'));
const common = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-nostdlib', '-fno-builtin', '-Wall', '-Wextra', '-Werror',
  '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,-z,stack-size=0', '-Wl,--initial-memory=65536', '-Wl,--strip-all',
];
// Two builds of the same code: one for tfjs's single-threaded module (plain memory) and one for
// its threaded module, whose memory is shared (the import must then be declared shared, max 4 GiB).
const variants = {
  plain: [],
  shared: ['-matomics', '-Wl,--shared-memory', '-Wl,--max-memory=4294967296'],
};
const objdump = '/usr/lib/llvm-16/bin/llvm-objdump';
// So that this script can list the GEMM module's exports on Node 20 (V8 keeps relaxed SIMD behind a flag there).
setFlagsFromString('--experimental-wasm-relaxed-simd');

/**
 * Reads abi.h: its integer constants (`#define NAME <integer>`, in order) and its declarations
 * (`EXPORT(name) <type> name(<params>);`), each under the last `@module <name>` line before it.
 */
function readAbi() {
  const text = readFileSync(join(here, 'abi.h'), 'utf8');
  const constants = [...text.matchAll(/^#define ([A-Z][A-Z0-9_]*) (-?\d+)$/gm)].map(([, name, value]) => ({ name, value }));
  const modules = {};
  let current;
  const pattern = /@module (\w+)|EXPORT\((\w+)\)\s*(void|int32_t)\s+(\w+)\(([^)]*)\);/g;
  for (const [, module, exported, result, name, params] of text.matchAll(pattern)) {
    if (module) {
      current = modules[module] = [];
      continue;
    }
    if (exported !== name) throw new Error(`abi.h: EXPORT(${exported}) declares ${name}`);
    if (!current) throw new Error(`abi.h: ${name} is declared before any @module line`);
    const args = params.split(',').map((param) => {
      const argument = /(\w+)$/.exec(param.trim().replace(/\s+/g, ' '))?.[1];
      if (!argument) throw new Error(`abi.h: cannot read the parameter "${param}" of ${name}`);
      return argument.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
    });
    current.push({ name, result: result === 'void' ? 'void' : 'number', args });
  }
  return { constants, modules };
}

/** Compiles `sources` once per memory variant (with `extra` flags) into one module and returns each base64-encoded. */
function build(stem, sources, extra, declared) {
  const encoded = {};
  for (const [name, flags] of Object.entries(variants)) {
    const out = join(work, `${stem}-${name}.wasm`);
    const inputs = sources.map((source) => join(here, source));
    execFileSync('clang-16', [...common, ...extra, ...flags, '-o', out, ...inputs], { stdio: 'inherit' });
    const sections = execFileSync(objdump, ['-h', out], { encoding: 'utf8' });
    if (/\bDATA\b/.test(sections)) throw new Error(`${stem}-${name}.wasm has a data segment; it must own no memory`);
    const code = execFileSync(objdump, ['-d', out], { encoding: 'utf8' });
    if (/global\.(get|set)/.test(code)) throw new Error(`${stem}-${name}.wasm uses a global (a stack frame?); it must own no memory`);
    const bytes = readFileSync(out);
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name).sort();
    const expected = declared.map((d) => d.name).sort();
    if (exported.join() !== expected.join()) {
      throw new Error(`${stem}-${name}.wasm exports [${exported}], but abi.h declares [${expected}] for it`);
    }
    encoded[name] = bytes.toString('base64');
  }
  return encoded;
}

/** The generated abi.ts: abi.h's constants, then one interface per module. */
function abiSource({ constants, modules }) {
  const interfaces = { kernels: 'KernelExports', gemm: 'GemmExports' };
  const lines = [
    '// Generated by packages/core/native/build.mjs from native/abi.h. Do not edit.',
    '// The ABI of bigmodel\'s wasm modules: abi.h\'s constants, and each module\'s exports. Pointer arguments are',
    '// byte offsets into the tfjs wasm backend\'s heap.',
    '',
    ...constants.map(({ name, value }) => `export const ${name} = ${value};`),
  ];
  for (const [module, declarations] of Object.entries(modules)) {
    const type = interfaces[module];
    if (!type) throw new Error(`abi.h: unknown @module ${module}`);
    lines.push('', `/** The exports of the ${module} module (native/abi.h). */`, `export interface ${type} {`);
    for (const { name, result, args } of declarations) {
      const single = `  ${name}(${args.map((arg) => `${arg}: number`).join(', ')}): ${result};`;
      if (single.length <= 140) {
        lines.push(single);
        continue;
      }
      lines.push(`  ${name}(`);
      let line = '   ';
      for (const arg of args) {
        const piece = ` ${arg}: number,`;
        if (line.length + piece.length > 140) {
          lines.push(line);
          line = '   ';
        }
        line += piece;
      }
      lines.push(line, `  ): ${result};`);
    }
    lines.push('}');
  }
  return lines.join('\n') + '\n';
}

/**
 * A long string as a concatenation of quoted pieces of 128 characters, one per line, so that no generated line
 * is longer than 140 (the repository's limit); prettier leaves the result as it is.
 */
function wrapped(text) {
  const pieces = [];
  for (let i = 0; i < text.length; i += 128) pieces.push(`'${text.slice(i, i + 128)}'`);
  return `\n  ${pieces.join(' +\n  ')}`;
}

const abi = readAbi();
const kernelSources = ['conv.c', 'pool.c', 'reduce.c', 'gemv.c', 'tile.c', 'elementwise.c', 'unary.c', 'batch_norm.c', 'adam.c'];
const kernels = build('kernels', kernelSources, [], abi.modules.kernels);
// The GEMM needs relaxed SIMD (f32x4.relaxed_madd), which not every engine compiles: its own module,
// so that the kernels above load everywhere and the caller can fall back when this one cannot.
const gemm = build('gemm', ['gemm.c'], ['-mrelaxed-simd'], abi.modules.gemm);

const outputs = {
  'kernels-wasm.ts':
    `// Generated by packages/core/native/build.mjs from native/{${kernelSources.join(',')}}.\n` +
    `// Do not edit.\n` +
    `/** The compiled kernels module for a plain (single-threaded) tfjs wasm memory, base64-encoded. */\n` +
    `export const KERNELS_WASM_BASE64: string =${wrapped(kernels.plain)};\n` +
    `/** The same kernels for tfjs's threaded build, whose memory is shared, base64-encoded. */\n` +
    `export const KERNELS_SHARED_WASM_BASE64: string =${wrapped(kernels.shared)};\n`,
  'gemm-wasm.ts':
    `// Generated by packages/core/native/build.mjs from native/gemm.c. Do not edit.\n` +
    `/** The relaxed-SIMD GEMM module for a plain (single-threaded) tfjs wasm memory, base64-encoded. */\n` +
    `export const GEMM_WASM_BASE64: string =${wrapped(gemm.plain)};\n` +
    `/** The same GEMM for tfjs's threaded build, whose memory is shared, base64-encoded. */\n` +
    `export const GEMM_SHARED_WASM_BASE64: string =${wrapped(gemm.shared)};\n`,
  'abi.ts': abiSource(abi),
};

if (process.argv.includes('--check')) {
  for (const [file, source] of Object.entries(outputs)) {
    const target = join(generated, file);
    const committed = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (committed !== source) {
      console.error(`${target} is out of date with native/: run node packages/core/native/build.mjs`);
      process.exit(1);
    }
  }
  console.log('native kernels: committed modules and ABI bindings match a fresh build');
} else {
  for (const [file, source] of Object.entries(outputs)) {
    writeFileSync(join(generated, file), source);
    console.log(`wrote ${join(generated, file)}`);
  }
}
