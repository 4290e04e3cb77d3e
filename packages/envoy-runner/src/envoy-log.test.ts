import { PassThrough } from 'node:stream';
import { EnvoyLogForwarder, onLines, parseEnvoyLogLine } from './envoy-log';
import { recordingLogger } from './test-support/fixtures';

describe('parseEnvoyLogLine', () => {
  it('reads the format EnvoyProcess sets', () => {
    expect(parseEnvoyLogLine('[warning][config][grpc_subscription_impl.cc:152] gRPC config: initial fetch timed out')).toEqual({
      level: 'warn',
      scope: 'config',
      src: 'grpc_subscription_impl.cc:152',
      msg: 'gRPC config: initial fetch timed out',
    });
  });

  it("reads Envoy's default format too, and maps critical to fatal", () => {
    expect(parseEnvoyLogLine('[2026-11-26 08:50:41.802][5709][critical][main] [source/server/server.cc:961] boom')).toEqual({
      level: 'fatal',
      scope: 'main',
      src: 'source/server/server.cc:961',
      msg: 'boom',
    });
  });

  it('leaves anything else alone', () => {
    expect(parseEnvoyLogLine('unable to bind domain socket with base_id=70')).toBeUndefined();
    expect(parseEnvoyLogLine('[notalevel][main][x.cc:1] hi')).toBeUndefined();
  });
});

describe('EnvoyLogForwarder', () => {
  it('gives a continuation line the level of the line before it on the same stream', () => {
    const sink = recordingLogger();
    const f = new EnvoyLogForwarder(sink, 42);
    f.line('stderr', 'printed before logging was set up');
    f.line('stderr', '[error][main][server.cc:1] first line');
    f.line('stderr', '  second line of the same message');
    f.line('stdout', 'plain stdout');
    expect(sink.entries.map((e) => [e.level, e.msg])).toEqual([
      ['warn', 'printed before logging was set up'],
      ['error', 'first line'],
      ['error', '  second line of the same message'],
      ['info', 'plain stdout'],
    ]);
    expect(sink.entries[1]!.fields).toEqual({ pid: 42, scope: 'main', src: 'server.cc:1' });
  });
});

describe('onLines', () => {
  it('splits chunks into lines and delivers the unterminated last one at the end', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    onLines(stream, (l) => lines.push(l));
    stream.write('a\nb');
    stream.write('c\r\nd');
    stream.end();
    await new Promise((r) => stream.on('end', r));
    expect(lines).toEqual(['a', 'bc', 'd']);
  });
});
