/**
 * CIFAR-10 from the official binary batches, read from a directory the user gives (nothing is
 * downloaded). Format: records of 1 label byte then 3072 pixel bytes, 1024 each for red, green and
 * blue, row-major 32x32; `data_batch_1.bin` ... `data_batch_5.bin` (train) and `test_batch.bin`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { FileFormatError, InvalidArgumentError } from '../errors';
import { TensorDataset } from './tensor-dataset';

const RECORD = 1 + 3072;
const WHERE =
  'Get "CIFAR-10 binary version (suitable for C programs)" (cifar-10-binary.tar.gz) from the CIFAR-10 page of the ' +
  'University of Toronto (Krizhevsky 2009), extract it, and pass its cifar-10-batches-bin directory.';

/**
 * The class names, in label order.
 *
 * @category Data
 */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/**
 * Decodes CIFAR-10 binary records into NHWC images in [0, 1] and labels.
 *
 * @category Data
 */
export function decodeCifar10(bytes: Uint8Array, path = 'CIFAR-10 batch'): TensorDataset {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new FileFormatError({ path, problem: `has ${bytes.length} bytes, not a whole number of ${RECORD}-byte CIFAR-10 records` });
  }
  const count = bytes.length / RECORD;
  const images = new Float32Array(count * 3072);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const record = n * RECORD;
    labels[n] = bytes[record];
    if (labels[n] > 9) throw new FileFormatError({ path, problem: `has label ${labels[n]} in record ${n} (CIFAR-10 labels are 0-9)` });
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) images[n * 3072 + p * 3 + c] = bytes[record + 1 + c * 1024 + p] / 255;
    }
  }
  return new TensorDataset(images, [32, 32, 3], labels, { classes: 10 });
}

/**
 * Loads CIFAR-10 from `dir` (the extracted `cifar-10-batches-bin`): 50,000 train and 10,000 test
 * images, NHWC in [0, 1]. A missing directory or file is a FileFormatError that says where to get
 * the data.
 *
 * @example
 * ```ts
 * const { train, test } = loadCifar10('/data/cifar-10-batches-bin');
 * ```
 * @category Data
 */
export function loadCifar10(dir: string, options: { trainBatches?: number } = {}): { train: TensorDataset; test: TensorDataset } {
  const { trainBatches = 5 } = options;
  if (!Number.isInteger(trainBatches) || trainBatches < 1 || trainBatches > 5) {
    throw new InvalidArgumentError({ parameter: 'options.trainBatches', value: trainBatches, message: 'Must be an integer from 1 to 5.' });
  }
  const read = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new FileFormatError({ path, problem: 'does not exist', hint: WHERE });
    return decodeCifar10(new Uint8Array(readFileSync(path)), path);
  };
  const parts = Array.from({ length: trainBatches }, (_, i) => read(`data_batch_${i + 1}.bin`));
  const images = new Float32Array(parts.reduce((s, p) => s + p.examples.length, 0));
  const labels = new Uint8Array(parts.reduce((s, p) => s + p.size, 0));
  let offset = 0;
  let row = 0;
  for (const part of parts) {
    images.set(part.examples, offset);
    labels.set(part.labels as Uint8Array, row);
    offset += part.examples.length;
    row += part.size;
  }
  return { train: new TensorDataset(images, [32, 32, 3], labels, { classes: 10 }), test: read('test_batch.bin') };
}
