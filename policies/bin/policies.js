#!/usr/bin/env node
'use strict';
// Launcher for the compiled CLI (policies/lib, built by `npm run build`).
const { main } = require('../lib/cli.js');

process.exitCode = main(process.argv.slice(2));
