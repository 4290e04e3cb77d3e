// Worker-thread entry: reads and parses one configuration file per request, off the main event loop.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { parseConfigFile } from './parse-file';
import type { ParseReply, ParseRequest } from './parser-pool';
import { errorCode, errorMessage } from './config-files';

async function handle(req: ParseRequest): Promise<ParseReply> {
  let bytes: Buffer;
  try {
    const fh = await open(req.path, 'r');
    try {
      // At most one byte past the limit: enough to know the file is too large, never the whole of it.
      const buffer = Buffer.alloc(Math.min((await fh.stat()).size, req.maxBytes) + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0 || (length += bytesRead) === buffer.length) break;
      }
      bytes = buffer.subarray(0, length);
    } finally {
      await fh.close();
    }
  } catch (err) {
    return errorCode(err) === 'ENOENT' ? { id: req.id, outcome: 'missing' } : { id: req.id, outcome: 'read-error', message: errorMessage(err) };
  }
  if (bytes.length > req.maxBytes) return { id: req.id, outcome: 'too-large', size: bytes.length };
  const hash = createHash('sha256').update(bytes).digest('base64');
  if (hash === req.knownHash) return { id: req.id, outcome: 'unchanged', hash };
  const text = bytes.toString('utf8');
  const parsed = parseConfigFile(req.file, text, req.maxNodes);
  return { id: req.id, outcome: 'parsed', hash, parsed, endsWithNewline: text.length === 0 ? false : text.endsWith('\n') };
}

parentPort?.on('message', (req: ParseRequest) => {
  handle(req).then(
    (reply) => parentPort?.postMessage(reply),
    (err: unknown) => parentPort?.postMessage({ id: req.id, outcome: 'read-error', message: errorMessage(err) } satisfies ParseReply),
  );
});
