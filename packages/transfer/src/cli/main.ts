#!/usr/bin/env node
/**
 * The `bigmodel-transfer` command: `finetune` a base model on new data, or list the `zoo`.
 */
import * as tf from '@tensorflow/tfjs';

import { BigModelError } from '@bigmodel/core';

import { zooMetadata, zooNames } from '../zoo/load-base';
import { runFinetune, USAGE } from './finetune-command';

async function main(argv: string[]): Promise<number> {
  tf.env().set('PROD', true);
  const [command, ...rest] = argv;
  if (command === 'finetune') {
    await runFinetune(rest, { stdout: (line) => console.log(line), stderr: process.stderr });
    return 0;
  }
  if (command === 'zoo') {
    for (const name of zooNames()) {
      const m = zooMetadata(name);
      console.log(`zoo:${name}  input [${m.inputShape.join(', ')}], ${m.classes} classes, test accuracy ${(100 * m.accuracy.test).toFixed(2)}%  trained on: ${m.trainedOn}`);
    }
    return 0;
  }
  if (command === undefined || command === '--help' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  console.error(`Unknown command ${command}.\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(BigModelError.isInstance(error) ? `${error.name}: ${error.message}` : error);
    process.exit(BigModelError.isInstance(error) ? 2 : 1);
  },
);
