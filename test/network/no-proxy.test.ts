/**
 * SPEC §3's proxy variables, read the way curl reads them: which variable applies to which URL, lower
 * case over upper case, and NO_PROXY's rules (exact host, host:port, leading dot, `*`, CIDR, blanks,
 * loopback not bypassed unless listed). First the rules themselves, then the same rules end to end:
 * `check` in-process (env injected through CliIo, never process.env) against the simulator through
 * the loopback forward proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bypassesProxy, proxyFor } from '../../src/devin/proxy.js';
import { ConnectorError } from '../../src/devin/errors.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runAirbyte } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { startForwardProxy, type ForwardProxy } from './servers.js';

const API = new URL('https://api.devin.ai');

describe('which variable applies (proxyFor)', () => {
  it('https_proxy for https URLs, lower case first; HTTP_PROXY is never used for https', () => {
    expect(proxyFor(API, { HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128' })?.variable).toBe('https_proxy');
    expect(proxyFor(API, { HTTPS_PROXY: 'http://upper:3128' })?.url.host).toBe('upper:3128');
    expect(proxyFor(API, { HTTP_PROXY: 'http://plain:3128', http_proxy: 'http://plain:3128' })).toBeUndefined();
    expect(proxyFor(API, {})).toBeUndefined();
    // An empty lower-case value counts as unset, as in curl.
    expect(proxyFor(API, { https_proxy: ' ', HTTPS_PROXY: 'http://upper:3128' })?.variable).toBe('HTTPS_PROXY');
  });

  it('http_proxy for http URLs (loopback api_url), lower case first, forwarded rather than tunnelled', () => {
    const local = new URL('http://127.0.0.1:9999');
    const route = proxyFor(local, { HTTP_PROXY: 'http://127.0.0.1:1', http_proxy: 'http://localhost:2' });
    expect(route).toMatchObject({ variable: 'http_proxy', forward: true, label: 'proxy localhost:2 (from http_proxy)' });
    expect(proxyFor(local, { HTTPS_PROXY: 'http://127.0.0.1:1' })).toBeUndefined();
    expect(proxyFor(API, { HTTPS_PROXY: 'http://127.0.0.1:1' })?.forward).toBe(false);
  });

  it('a bare host:port is an http proxy (as curl reads it); credentials never reach the label', () => {
    expect(proxyFor(API, { HTTPS_PROXY: 'proxy.corp:8080' })?.url.href).toBe('http://proxy.corp:8080/');
    const route = proxyFor(API, { HTTPS_PROXY: 'http://alice:s3cret@proxy.corp:8080' });
    expect(route?.url.username).toBe('alice');
    expect(route?.label).toBe('proxy proxy.corp:8080 (from HTTPS_PROXY)');
  });

  it('unusable values are a config_error naming the variable', () => {
    const problem = (env: Record<string, string>, url = API): ConnectorError => {
      try {
        proxyFor(url, env);
      } catch (error) {
        return error as ConnectorError;
      }
      throw new Error('expected a config error');
    };
    expect(problem({ https_proxy: 'http://[oops' })).toMatchObject({ failureType: 'config_error', message: expect.stringContaining('https_proxy is not a proxy URL') });
    expect(problem({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' }).message).toContain('HTTPS_PROXY uses socks5://, which is not supported');
    // Plain http through a proxy on another machine would show it the key in clear (SPEC §10).
    const clear = problem({ HTTP_PROXY: 'http://proxy.corp:3128' }, new URL('http://127.0.0.1:8080'));
    expect(clear.failureType).toBe('config_error');
    expect(clear.message).toContain('would see the API key in clear: add 127.0.0.1 to NO_PROXY');
  });
});

describe('NO_PROXY rules (bypassesProxy), as curl reads them', () => {
  const target = (url: string): URL => new URL(url);
  it.each([
    ['*', 'https://api.devin.ai', true],
    ['api.devin.ai', 'https://api.devin.ai', true],
    ['API.Devin.AI', 'https://api.devin.ai', true],
    ['devin.ai', 'https://api.devin.ai', true],
    ['.devin.ai', 'https://api.devin.ai', true],
    ['.devin.ai', 'https://devin.ai', true],
    ['*.devin.ai', 'https://api.devin.ai', true],
    ['devin.ai.', 'https://api.devin.ai', true],
    ['evin.ai', 'https://api.devin.ai', false],
    ['notdevin.ai', 'https://devin.ai', false],
    ['api.devin.ai.corp', 'https://api.devin.ai', false],
    ['corp.example, api.devin.ai', 'https://api.devin.ai', true],
    ['corp.example,,  ,api.devin.ai', 'https://api.devin.ai', true],
    ['api.devin.ai:443', 'https://api.devin.ai', true],
    ['api.devin.ai:8443', 'https://api.devin.ai', false],
    ['api.devin.ai:8443', 'https://api.devin.ai:8443', true],
    ['127.0.0.1', 'http://127.0.0.1:4000', true],
    ['127.0.0.1:4000', 'http://127.0.0.1:4000', true],
    ['127.0.0.1:4001', 'http://127.0.0.1:4000', false],
    ['127.0.0.0/8', 'http://127.0.0.1:4000', true],
    ['10.0.0.0/8', 'http://127.0.0.1:4000', false],
    ['0.0.1', 'http://127.0.0.1:4000', false],
    ['::1', 'http://[::1]:4000', true],
    ['[::1]:4000', 'http://[::1]:4000', true],
    ['localhost', 'http://127.0.0.1:4000', false],
    ['', 'http://127.0.0.1:4000', false],
  ])('NO_PROXY=%j for %s → bypass %s', (noProxy, url, expected) => {
    expect(bypassesProxy(target(url), noProxy)).toBe(expected);
  });

  it('loopback is not bypassed unless listed (curl does the same)', () => {
    expect(proxyFor(new URL('http://127.0.0.1:4000'), { http_proxy: 'http://127.0.0.1:3128' })).toBeDefined();
    expect(proxyFor(new URL('http://127.0.0.1:4000'), { http_proxy: 'http://127.0.0.1:3128', no_proxy: '127.0.0.1' })).toBeUndefined();
  });
});

describe('end to end: check in-process through the loopback proxy (http api_url, plain forwarding)', () => {
  const dir = tempDir();
  let sim: Simulator;
  let proxy: ForwardProxy;
  beforeAll(async () => {
    sim = await startSimulator({ members: 3, days: 5 });
    proxy = await startForwardProxy();
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
  });

  async function check(apiUrl: string, env: Record<string, string>): Promise<string> {
    proxy.lines.length = 0;
    sim.clearRequests();
    const config = dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: apiUrl });
    const run = await runAirbyte(['check', '--config', config], { env });
    const status = run.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus as { status: string; message: string };
    expect(status.status, status.message).toBe('SUCCEEDED');
    for (const line of proxy.lines) expect(line).not.toContain(KEY_ENTERPRISE);
    return status.message;
  }

  it('no NO_PROXY: every request the simulator served came through the proxy', async () => {
    await check(sim.url, { HTTP_PROXY: proxy.url });
    expect(sim.requests.length).toBeGreaterThan(0);
    expect(proxy.lines).toHaveLength(sim.requests.length);
  });

  it.each([
    ['the exact host', () => '127.0.0.1'],
    ['host:port', () => `127.0.0.1:${sim.port}`],
    ['a list with blanks', () => 'corp.example , 127.0.0.1'],
    ['a CIDR range', () => '127.0.0.0/8'],
    ['*', () => '*'],
  ])('NO_PROXY lists %s: nothing reaches the proxy', async (_name, noProxy) => {
    await check(sim.url, { HTTP_PROXY: proxy.url, NO_PROXY: noProxy() });
    expect(sim.requests.length).toBeGreaterThan(0);
    expect(proxy.lines).toEqual([]);
  });

  it('a leading-dot domain: .localhost bypasses http://localhost:<port>', async () => {
    await check(`http://localhost:${sim.port}`, { HTTP_PROXY: proxy.url, NO_PROXY: '.localhost' });
    expect(sim.requests.length).toBeGreaterThan(0);
    expect(proxy.lines).toEqual([]);
  });

  it('another port, or a name that is not the host: the proxy is still used', async () => {
    await check(sim.url, { HTTP_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${sim.port + 1},localhost,0.0.1` });
    expect(proxy.lines).toHaveLength(sim.requests.length);
  });

  it('lower case wins: http_proxy over HTTP_PROXY, no_proxy over NO_PROXY', async () => {
    await check(sim.url, { http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:1', no_proxy: 'corp.example', NO_PROXY: '*' });
    expect(proxy.lines).toHaveLength(sim.requests.length);
  });

  it('an unusable proxy variable: check answers FAILED config_error naming it, with one CONNECTION_STATUS', async () => {
    const config = dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url });
    const run = await runAirbyte(['check', '--config', config], { env: { http_proxy: 'http://[broken' } });
    expect(run.code).toBe(0);
    const statuses = run.messages.filter((m) => m.type === 'CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.connectionStatus).toEqual({ status: 'FAILED', message: 'config_error: http_proxy is not a proxy URL (expected http://host:port)' });
  });
});
