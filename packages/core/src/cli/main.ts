#!/usr/bin/env node
/**
 * bigmodel-core: command-line inference with a saved model.
 *
 *   bigmodel-core predict --model DIR --input FILE [--backend NAME]
 *
 * `bigmodel-core predict --help` lists the flags.
 *
 * FILE is a PNG (resized and converted to the model's input) or JSON (one example, or an array of
 * examples, each shaped like the model's input). Prints each example's class probabilities, then
 * one JSON line with everything.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { BACKEND_NAMES, formatBackendInfo, initBackend, type BackendInfo, type BackendName } from '../backend';
import {
  choiceOption,
  cliAction,
  cliProgram,
  processIo,
  readInputFile,
  runCli,
  runMain,
  type CliCommand,
  type CliInput,
  type CliIo,
} from '../cli-kit';
import { FileFormatError, InvalidArgumentError } from '../errors';
import { loadModel } from '../io';
import { predictClasses, readPng } from '../predict';

/** The largest JSON `--input` read: 64 MiB. */
const MAX_JSON_INPUT_BYTES = 64 * 1024 * 1024;

/** The examples of `--input` as a tensor of the model's input shape (a PNG is resized to it); throws naming the file otherwise. */
function readInput(path: string, model: tf.LayersModel): tf.Tensor {
  const shape = model.inputs[0].shape.slice(1) as number[];
  if (path.toLowerCase().endsWith('.png')) {
    if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) {
      throw new InvalidArgumentError({
        parameter: '--input',
        value: path,
        message: `A PNG needs an image model ([h, w, 1|3] input); this model takes [${shape.join(', ')}].`,
      });
    }
    return readPng(path, { height: shape[0], width: shape[1], channels: shape[2] as 1 | 3 });
  }
  const text = readInputFile('--input', path, { maxBytes: MAX_JSON_INPUT_BYTES }).toString('utf8'); // a regular file: a FIFO would block
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (cause) {
    throw new FileFormatError({ path, problem: 'is not valid JSON (--input)', cause });
  }
  const flat = (Array.isArray(values) ? values : [values]).flat(Infinity) as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  if (flat.length === 0 || flat.length % size !== 0 || flat.some((v) => typeof v !== 'number')) {
    throw new FileFormatError({
      path,
      problem: `holds ${flat.length} values, not a whole number of examples of shape [${shape.join(', ')}]`,
    });
  }
  return tf.tensor(flat, [flat.length / size, ...shape]);
}

/**
 * A checked `predict` command line: the model loaded and the input read as a tensor of its input
 * shape, before anything is printed (the backend is started by the command's preAction hook).
 */
async function predictPlan({ options }: CliInput) {
  const dir = options['model'] as string;
  const input = options['input'] as string;
  if (!existsSync(join(dir, 'model.json'))) {
    throw new FileFormatError({
      path: join(dir, 'model.json'),
      problem: 'does not exist (--model)',
      hint: 'Give the directory saveModel wrote.',
    });
  }
  if (!existsSync(input) || !statSync(input).isFile()) throw new FileFormatError({ path: input, problem: 'is not a file (--input)' });
  const model = await loadModel(dir);
  try {
    return { model, inputs: readInput(input, model) };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The `bigmodel-core` program, writing to `io`. */
export function coreProgram(io: CliIo): CliCommand {
  const program = cliProgram('bigmodel-core', 'Command-line inference with a model saved by saveModel.');
  program.addHelpText('after', '\nExit status: 0 done, 1 failed while running, 2 usage error (nothing run).\n');
  const predict = program
    .command('predict')
    .description("classifies FILE with the model saved in DIR; prints each example's class probabilities, then one JSON line")
    .requiredOption('--model <dir>', 'directory of the saved model (model.json + weights) (required)')
    .requiredOption('--input <file>', 'a .png image, or .json with one example or an array of examples (required)')
    .addOption(choiceOption('--backend <name>', 'force a backend (default: the best that loads; or BIGMODEL_BACKEND)', BACKEND_NAMES))
    .addHelpText('after', '\nThe last line of output is JSON: {"backend": ..., "predictions": [{"class": k, "probabilities": [...]}]}.\n')
    .examples([
      'bigmodel-core predict --model runs/cnn/model --input digit.png',
      'bigmodel-core predict --model runs/cnn/model --input examples.json --backend wasm',
    ]);
  let info: BackendInfo | undefined;
  predict.hook('preAction', async (_command, action) => {
    tf.env().set('PROD', true);
    const backend = action.opts()['backend'] as BackendName | undefined;
    info = await initBackend(backend ? { backend } : {});
  });
  cliAction(predict, predictPlan, ({ model, inputs }) => {
    const predictions = predictClasses(model, inputs);
    inputs.dispose();
    model.dispose();
    predictions.forEach((p, i) =>
      io.stdout.write(`example ${i}: class ${p.class} (${p.probabilities.map((v) => v.toFixed(4)).join(' ')})\n`),
    );
    io.stdout.write(`${JSON.stringify({ backend: formatBackendInfo(info!), predictions })}\n`);
  });
  return program;
}

/** Runs one `bigmodel-core` command line (the arguments after the program name); returns the exit status. */
export function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(coreProgram(io), argv, io);
}

if (require.main === module) runMain(main);
