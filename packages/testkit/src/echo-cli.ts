#!/usr/bin/env node
// `tidegate-echo --name NAME --port PORT [--host H] [--protocol h1|h2c]`: the examples' backends.
import { parseArgs } from 'node:util';
import { startEcho } from './echo-server';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'echo' },
    port: { type: 'string', default: '9001' },
    host: { type: 'string', default: '127.0.0.1' },
    protocol: { type: 'string', default: 'h1' },
  },
});

startEcho({
  name: values.name!,
  port: Number(values.port),
  host: values.host!,
  protocol: values.protocol as 'h1' | 'h2c',
}).then(
  (s) => process.stdout.write(`echo backend "${s.name}" listening on ${s.address}:${s.port}\n`),
  (err: unknown) => {
    process.stderr.write(`tidegate-echo: ${String(err)}\n`);
    process.exit(1);
  },
);
