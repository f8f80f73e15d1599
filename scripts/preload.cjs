'use strict';
/**
 * What scripts/run.cjs loads before a compiled command:
 * - the modules no synth uses are loaded on first use (./lazy.cjs): cdktf's asset archiver, and the YAML parser that
 *   only locates catalog problems;
 * - cdktf writes its JSON with ./stable-stringify.cjs, the same bytes as `json-stable-stringify` in a fraction of
 *   the time.
 */
const Module = require('module');
const path = require('path');

require('./lazy.cjs').lazyModules(['archiver', 'yaml']);

const SUBSTITUTES = new Map([['json-stable-stringify', path.join(__dirname, 'stable-stringify.cjs')]]);
const load = Module._load;
Module._load = function (request, parent, isMain) {
  return load.call(this, SUBSTITUTES.get(request) ?? request, parent, isMain);
};
