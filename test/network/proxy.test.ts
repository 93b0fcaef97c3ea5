/**
 * SPEC §3 and §10 through a real forward proxy on loopback, with the real executable: https goes
 * through a CONNECT tunnel to an https front of the simulator (trusted the way the README tells
 * corporate users: NODE_EXTRA_CA_CERTS), http is forwarded as absolute-URI requests. Every request
 * passes through the proxy, NO_PROXY bypasses it (curl's rules), lower case wins over upper case, the
 * key is never in a request line the proxy sees, and a dead proxy is a connection_error naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { spawnCli, type SpawnedRun } from '../helpers/cli.js';
import { formatDay, dayOfMillis } from '../../src/devin/billing-day.js';
import { ALL_INCREMENTAL, configuredCatalog, tempDir } from '../helpers/files.js';
import { closedPort, startForwardProxy, startHttpsFront, TEST_CA_PATH, type ForwardProxy, type HttpsFront } from './servers.js';

// A real process reads up to the real today: start two days before it, to keep the read short.
const START = formatDay(dayOfMillis(Date.now()) - 2);
const dir = tempDir();

let sim: Simulator;
let front: HttpsFront;
let proxy: ForwardProxy;
beforeAll(async () => {
  sim = await startSimulator({ members: 4, days: 10 });
  front = await startHttpsFront(sim.url);
  proxy = await startForwardProxy();
});
afterAll(async () => {
  await proxy.close();
  await front.close();
  await sim.close();
});

function reset(): void {
  proxy.lines.length = 0;
  proxy.headers.length = 0;
  proxy.upstreamPorts.clear();
  front.remotePorts.length = 0;
  sim.clearRequests();
}

function configFor(apiUrl: string): string {
  return dir.json(`config-${encodeURIComponent(apiUrl)}.json`, { api_key: KEY_ENTERPRISE, api_url: apiUrl, start_date: START });
}

async function run(command: 'check' | 'read', apiUrl: string, env: Record<string, string>): Promise<SpawnedRun> {
  const argv = [command, '--config', configFor(apiUrl)];
  if (command === 'read') argv.push('--catalog', dir.json('catalog.json', configuredCatalog(ALL_INCREMENTAL)));
  return spawnCli('source-devin', argv, { env: { NODE_EXTRA_CA_CERTS: TEST_CA_PATH, ...env } });
}

function statusOf(result: SpawnedRun): { status: string; message: string } {
  const message = result.messages.find((m) => m.type === 'CONNECTION_STATUS');
  return (message?.connectionStatus ?? { status: 'none', message: result.stderr }) as { status: string; message: string };
}

/** The key is never in a request line the proxy saw (nor, for https, anywhere the proxy could read). */
function expectKeyNotInRequestLines(): void {
  expect(proxy.lines.length).toBeGreaterThan(0);
  for (const line of proxy.lines) expect(line).not.toContain(KEY_ENTERPRISE);
}

describe('https api_url through HTTPS_PROXY: a CONNECT tunnel', () => {
  it('a whole read goes through the proxy: only CONNECT host:port, every request the front served came through a tunnel', async () => {
    reset();
    const result = await run('read', front.url, { HTTPS_PROXY: proxy.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.messages.filter((m) => m.type === 'RECORD').length).toBeGreaterThan(0);
    expect(proxy.lines.length).toBeGreaterThan(0);
    for (const line of proxy.lines) expect(line).toBe(`CONNECT 127.0.0.1:${front.port} HTTP/1.1`);
    // The proxy saw neither the key nor any header of the API requests: they were inside TLS.
    for (const headers of proxy.headers) expect(JSON.stringify(headers)).not.toContain(KEY_ENTERPRISE);
    expect(front.remotePorts.length).toBe(sim.requests.length);
    for (const port of front.remotePorts) expect(proxy.upstreamPorts.has(port)).toBe(true);
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String((m.log as { message: string }).message));
    expect(logs).toContain(`connecting to 127.0.0.1:${front.port} through proxy 127.0.0.1:${proxy.port} (from HTTPS_PROXY)`);
  });

  it('check through the proxy: SUCCEEDED, each of its requests tunnelled', async () => {
    reset();
    const result = await run('check', front.url, { https_proxy: proxy.url });
    expect(statusOf(result).status, statusOf(result).message).toBe('SUCCEEDED');
    expect(front.remotePorts.length).toBe(sim.requests.length);
    expect(front.remotePorts.every((port) => proxy.upstreamPorts.has(port))).toBe(true);
    expectKeyNotInRequestLines();
  });

  it('an https api_url never falls back to HTTP_PROXY (curl: http_proxy is for http:// URLs)', async () => {
    reset();
    const result = await run('check', front.url, { HTTP_PROXY: proxy.url });
    expect(statusOf(result).status).toBe('SUCCEEDED');
    expect(proxy.lines).toEqual([]);
    expect(front.remotePorts.length).toBe(sim.requests.length);
  });

  it('lower case wins: https_proxy (working) over HTTPS_PROXY (dead), no_proxy over NO_PROXY', async () => {
    reset();
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const result = await run('check', front.url, {
      https_proxy: proxy.url,
      HTTPS_PROXY: dead,
      no_proxy: 'elsewhere.example',
      NO_PROXY: '*',
    });
    expect(statusOf(result).status, statusOf(result).message).toBe('SUCCEEDED');
    // no_proxy (which does not list the host) won over NO_PROXY=*: the proxy was used.
    expect(front.remotePorts.length).toBeGreaterThan(0);
    expect(front.remotePorts.every((port) => proxy.upstreamPorts.has(port))).toBe(true);
  });
});

describe('NO_PROXY with an https api_url (the full matrix is in no-proxy.test.ts)', () => {
  it('the exact host bypasses the proxy', async () => {
    reset();
    const result = await run('check', front.url, { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(statusOf(result).status, statusOf(result).message).toBe('SUCCEEDED');
    expect(proxy.lines).toEqual([]);
    expect(front.remotePorts.length).toBe(sim.requests.length);
  });
});

describe('http api_url (loopback) through HTTP_PROXY: plain forwarding', () => {
  it('every request is forwarded by the proxy as an absolute URI; none of its request lines holds the key', async () => {
    reset();
    const result = await run('read', sim.url, { HTTP_PROXY: proxy.url });
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.lines.length).toBe(sim.requests.length);
    for (const line of proxy.lines) expect(line).toMatch(new RegExp(`^GET http://127\\.0\\.0\\.1:${sim.port}/v3/\\S+ HTTP/1\\.1$`));
    expectKeyNotInRequestLines();
  });
});

describe('a proxy that does not work', () => {
  it('refuses connections: check is FAILED connection_error naming the proxy and the variable', async () => {
    reset();
    const port = await closedPort();
    const result = await run('check', front.url, { HTTPS_PROXY: `http://user:proxy-secret@127.0.0.1:${port}` });
    const status = statusOf(result);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/^connection_error: /);
    expect(status.message).toContain(`through proxy 127.0.0.1:${port} (from HTTPS_PROXY)`);
    expect(status.message).toContain('Check HTTPS_PROXY and NO_PROXY');
    expect(status.message).not.toContain('proxy-secret');
    expect(front.remotePorts).toEqual([]);
  });

  it('refuses the tunnel (502): read fails once, naming the proxy, every stream INCOMPLETE', async () => {
    const refusing = await startForwardProxy({ answerConnect: 502 });
    try {
      reset();
      const result = await run('read', front.url, { HTTPS_PROXY: refusing.url });
      expect(result.code).toBe(1);
      const errors = result.messages.filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR');
      expect(errors).toHaveLength(1);
      const error = (errors[0]?.trace as { error: Record<string, unknown> }).error;
      expect(error.stream_descriptor).toBeUndefined();
      expect(String(error.message)).toMatch(new RegExp(`^cannot reach the Devin API at 127\\.0\\.0\\.1:${front.port}: GET /v3/self failed 3 times through proxy 127\\.0\\.0\\.1:${refusing.port} \\(from HTTPS_PROXY\\)`));
      expect(String(error.message)).toContain('the proxy answered 502 to CONNECT');
      expect(refusing.lines.length).toBeGreaterThan(0);
      expect(front.remotePorts).toEqual([]);
    } finally {
      await refusing.close();
    }
  });
});
