import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// Node without a WebSocket global and without a DOM, as in server-side rendering: the
// package must load (both builds, through the exports map) without reading window, document
// or navigator, must explain at construction that Node needs options.WebSocket, and with `ws`
// it must connect, give up and then leave nothing behind that keeps the process alive.
// test/dist/bundles.test.ts checks the exports lists, the resolved files and load-time
// access for every build; this file covers what happens after loading, in such a process.

const root = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const dist = (file: string) => join(root, 'dist', file);
const probe = join(root, 'test', 'runtimes', 'fixtures', 'ssr-probe.mjs');

interface Thrown {
  name: string;
  isTypeError: boolean;
  message: string;
}
interface BuildReport {
  withoutWebSocket: Thrown | null;
  withProtocolsOnly: Thrown | null;
  withOtherOptions: Thrown | null;
  withWs: { events: string[]; readyState: number };
}
interface Report {
  webSocketGlobal: string;
  touched: string[];
  resolved: { cjs: string; esm: string };
  cjs: BuildReport;
  esm: BuildReport;
  activeResources: string[];
}

describe('Node without WebSocket or DOM (server-side rendering)', () => {
  let report: Report;

  beforeAll(async () => {
    // Node 22 has a WebSocket global; this flag removes it (Node 20 has none, and accepts the flag).
    const flags = process.allowedNodeEnvironmentFlags.has('--no-experimental-websocket') ? ['--no-experimental-websocket'] : [];
    // No `exit()` in the probe and a timeout here: a process that hangs fails the test.
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, probe], { cwd: root, timeout: 20_000 });
    report = JSON.parse(stdout) as Report;
  }, 30_000);

  it('runs without a WebSocket global, and loads both builds without touching window, document or navigator', () => {
    expect(report.webSocketGlobal).toBe('undefined');
    expect(report.resolved).toEqual({ cjs: dist('steadysocket.cjs'), esm: pathToFileURL(dist('steadysocket.mjs')).href });
    expect(report.touched).toEqual([]);
  });

  it.each(['cjs', 'esm'] as const)('%s: new SteadySocket(url) without options.WebSocket throws a TypeError naming it', (format) => {
    const build = report[format];
    for (const error of [build.withoutWebSocket, build.withProtocolsOnly, build.withOtherOptions]) {
      expect(error).toMatchObject({ name: 'TypeError', isTypeError: true });
      expect(error?.message).toContain('options.WebSocket');
    }
  });

  it.each(['cjs', 'esm'] as const)('%s: with ws, a socket that gives up reports it once and touches no browser global', (format) => {
    expect(report[format].withWs).toEqual({
      events: ['error:CONNECTION_ERROR', 'error:RETRIES_EXHAUSTED', 'close:1006:false'],
      readyState: 3,
    });
    expect(report.touched).toEqual([]);
  });

  it('leaves no timer or socket behind once every socket gave up, so the process can exit', () => {
    // The probe's own stdio pipes aside ('PipeWrap'), a leftover 'Timeout' or 'TCPSocketWrap' would show here.
    expect(report.activeResources.filter((resource) => resource !== 'PipeWrap' && resource !== 'TTYWrap')).toEqual([]);
  });
});
