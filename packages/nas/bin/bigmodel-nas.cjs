#!/usr/bin/env node
// The package's command: runs the compiled CLI, dist/cli/main.js, as the main module. This launcher is
// committed (and published) so that `npm install` links the command even before `dist/` is built.
'use strict';
const { existsSync } = require('node:fs');
const { basename, join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  const name = basename(__filename, '.cjs');
  process.stderr.write(
    `${name}: not built yet (${main} is missing). Run \`npm run build\` at the root of the bigmodel workspace, then try again.\n`,
  );
  process.exit(1);
}
process.argv[1] = main;
require('node:module').runMain();
