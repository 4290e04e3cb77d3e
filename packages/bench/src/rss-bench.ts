// Memory: control-plane RSS with 10,000 routes loaded (measured in a fresh child process).
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { mib, record } from './report';

export async function benchRss(routes = 10_000): Promise<void> {
  const child = fork(path.join(__dirname, 'rss-child.js'), [String(routes)], { execArgv: ['--expose-gc'], env: { ...process.env, TIDEGATE_LOG_LEVEL: 'error' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = await new Promise<{ rss: number; heapUsed: number; startMs: number; groups: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as never));
    child.once('exit', (code) => reject(new Error(`rss child exited with ${code}`)));
  });
  await new Promise((r) => child.once('exit', r));
  if (result.groups !== 1) throw new Error(`expected one proxy group, got ${result.groups}`);
  record({ name: `start → first snapshot with ${routes.toLocaleString('en')} routes (file provider)`, value: result.startMs, unit: 'ms' });
  record({ name: `control-plane RSS with ${routes.toLocaleString('en')} routes loaded`, value: mib(result.rss), unit: 'MiB', target: 300 });
}
