#!/usr/bin/env node
/**
 * The `bigmodel-transfer` command: `finetune` a base model on new data, or list the `zoo`.
 * `bigmodel-transfer <command> --help` lists every flag with its range and default.
 */
import * as tf from '@tensorflow/tfjs';

import { cliAction, cliProgram, processIo, runCli, runMain, type CliIo } from '@bigmodel/core';

import { zooMetadata, zooNames } from '../zoo/load-base';
import { finetune, finetuneCommand, finetunePlan } from './finetune-command';

/** The `bigmodel-transfer` program, writing to `io`. */
export function transferProgram(io: CliIo) {
  const say = (line: string) => void io.stdout.write(`${line}\n`);
  const program = cliProgram('bigmodel-transfer', 'Fine-tunes a base model (a saved model or one of the zoo) on new data.');
  program.addHelpText('after', '\nExit status: 0 done, 1 failed while running, 2 usage error (nothing run or written).\n');
  cliAction(program.addCommand(finetuneCommand()).commands.at(-1)!, finetunePlan, async (plan) => {
    tf.env().set('PROD', true);
    await finetune(plan, { stdout: say, stderr: io.stderr });
  });
  const zoo = program.command('zoo').description('lists the model zoo (use a name as --base zoo:NAME)').examples(['bigmodel-transfer zoo']);
  cliAction(
    zoo,
    () => undefined,
    () => {
      for (const name of zooNames()) {
        const m = zooMetadata(name);
        say(
          `zoo:${name}  input [${m.inputShape.join(', ')}], ${m.classes} classes, ` +
            `test accuracy ${(100 * m.accuracy.test).toFixed(2)}%  trained on: ${m.trainedOn}`,
        );
      }
    },
  );
  return program;
}

/** Runs one `bigmodel-transfer` command line (the arguments after the program name); returns the exit status. */
export function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(transferProgram(io), argv, io);
}

if (require.main === module) runMain(main);
