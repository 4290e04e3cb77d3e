// Worker thread that runs hostile cases (pipeline.ts), so a case that never returns can be stopped.
// Worker threads cannot load TypeScript: .ts sources are compiled with swc as jest does, and
// @tidegate/<pkg> resolves to packages/<pkg>/src as in jest.config.js.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { parentPort } = require('node:worker_threads');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..', '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const pkg = /^@tidegate\/([^/]+)$/.exec(request);
  return resolveFilename.call(this, pkg ? path.join(root, 'packages', pkg[1], 'src') : request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { filename, jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } });
  module._compile(code, filename);
};

const { runCase } = require('./pipeline.ts');
parentPort.postMessage({ ready: true });

parentPort.on('message', ({ files, settings, tmpRoot }) => {
  runCase(files, settings, tmpRoot).then(
    (outcome) => parentPort.postMessage({ outcome }),
    (err) => parentPort.postMessage({ error: String(err && err.stack ? err.stack : err) }),
  );
});
