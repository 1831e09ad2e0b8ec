#!/usr/bin/env node
/**
 * bigmodel-core: command-line inference with a saved model.
 *
 *   bigmodel-core predict --model DIR --input FILE [--backend NAME]
 *
 * FILE is a PNG (resized and converted to the model's input) or JSON (one example, or an array of
 * examples, each shaped like the model's input). Prints each example's class probabilities, then
 * one JSON line with everything.
 */
import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs';

import { formatBackendInfo, initBackend, parseBackendName } from '../backend';
import { BigModelError, FileFormatError, InvalidArgumentError } from '../errors';
import { loadModel } from '../io';
import { predictClasses, readPng } from '../predict';

const HELP = `Usage: bigmodel-core predict --model DIR --input FILE [--backend node-gpu|node|wasm|cpu]

Classifies FILE with the model saved in DIR (model.json + weights, as saveModel writes).
  --model DIR     directory of the saved model
  --input FILE    a .png image, or .json with one example or an array of examples
  --backend NAME  force a backend (default: the best that loads; or BIGMODEL_BACKEND)
  --help          this text
The last line of output is JSON: {"backend": ..., "predictions": [{"class": k, "probabilities": [...]}]}.`;

function parseFlags(argv: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new InvalidArgumentError({ parameter: 'argv', value: arg, message: 'Expected --flag value pairs; see --help.' });
    const name = arg.slice(2);
    if (name === 'help') {
      flags['help'] = 'true';
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new InvalidArgumentError({ parameter: arg, value, message: 'Needs a value.' });
    flags[name] = value;
    i++;
  }
  return flags;
}

function readInput(path: string, model: tf.LayersModel): tf.Tensor {
  const shape = model.inputs[0].shape.slice(1) as number[];
  if (path.toLowerCase().endsWith('.png')) {
    if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) {
      throw new InvalidArgumentError({ parameter: '--input', value: path, message: `A PNG needs an image model ([h, w, 1|3] input); this model takes [${shape.join(', ')}].` });
    }
    return readPng(path, { height: shape[0], width: shape[1], channels: shape[2] as 1 | 3 });
  }
  let values: unknown;
  try {
    values = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new FileFormatError({ path, problem: 'is not valid JSON (or cannot be read)', cause });
  }
  const flat = (Array.isArray(values) ? values : [values]).flat(Infinity) as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  if (flat.length === 0 || flat.length % size !== 0 || flat.some((v) => typeof v !== 'number')) {
    throw new FileFormatError({ path, problem: `holds ${flat.length} values, not a whole number of examples of shape [${shape.join(', ')}]` });
  }
  return tf.tensor(flat, [flat.length / size, ...shape]);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    console.log(HELP);
    return 0;
  }
  if (command !== 'predict') {
    console.error(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  const flags = parseFlags(rest);
  if (flags['help']) {
    console.log(HELP);
    return 0;
  }
  for (const required of ['model', 'input']) {
    if (!flags[required]) throw new InvalidArgumentError({ parameter: `--${required}`, value: undefined, message: 'Is required; see --help.' });
  }
  tf.env().set('PROD', true);
  const info = await initBackend(flags['backend'] ? { backend: parseBackendName(flags['backend'], '--backend') } : {});
  const model = await loadModel(flags['model']);
  const inputs = readInput(flags['input'], model);
  const predictions = predictClasses(model, inputs);
  predictions.forEach((p, i) => console.log(`example ${i}: class ${p.class} (${p.probabilities.map((v) => v.toFixed(4)).join(' ')})`));
  console.log(JSON.stringify({ backend: formatBackendInfo(info), predictions }));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      console.error(BigModelError.isInstance(error) ? `${error.name}: ${error.message}` : error);
      process.exit(1);
    });
}
