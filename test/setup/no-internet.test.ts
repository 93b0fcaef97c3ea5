/**
 * The no-internet guard (test/setup/no-internet.ts) covers undici's own connections too: a request
 * to a non-loopback address fails at once with the guard's error — no DNS lookup, no SYN (a real
 * attempt to these unroutable addresses would end in a connect timeout, not this code) — while
 * loopback works.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevinClient } from '../../src/devin/client.js';
import { AdaptiveLimiter } from '../../src/devin/limiter.js';
import { isLoopbackHost, NO_INTERNET_CODE } from './no-internet.js';

let server: Server;
let port: number;
const agents: Agent[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => res.end('{"ok":true}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const agent of agents) await agent.close();
  await new Promise((resolve) => server.close(resolve));
});

/** An Agent with a long connect timeout and a lookup that records every DNS query. */
function agent(lookups: string[]): Agent {
  const created = new Agent({
    connect: {
      timeout: 60_000,
      lookup: (hostname: string, _options: unknown, callback: (error: Error | null, address: string, family: number) => void) => {
        lookups.push(hostname);
        callback(null, '127.0.0.1', 4);
      },
    },
  });
  agents.push(created);
  return created;
}

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    for (let current: unknown = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
      if ((current as { code?: unknown }).code === NO_INTERNET_CODE) return NO_INTERNET_CODE;
    }
    return error;
  }
  return 'connected';
}

describe('the no-internet guard covers undici', () => {
  it.each(['http://10.255.255.1:81/', 'https://192.0.2.1/', 'http://[2001:db8::1]:8080/', 'https://api.devin.ai/v3/self'])(
    'an undici request to %s fails at once with the guard error, without a DNS lookup',
    async (url) => {
      const lookups: string[] = [];
      expect(await codeOf(request(url, { dispatcher: agent(lookups) }))).toBe(NO_INTERNET_CODE);
      expect(lookups).toEqual([]);
    },
  );

  it("the connector's own Agent (the client creates it) is refused too", async () => {
    const client = new DevinClient({
      apiUrl: 'https://192.0.2.1',
      apiKey: 'cog_guard_test_key',
      userAgent: 'source-devin-test',
      limiter: new AdaptiveLimiter({ maxConcurrency: 1 }),
      policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, requestTimeoutMs: 60_000 },
    });
    try {
      expect(await codeOf(client.getJson({ path: '/v3/self' }))).toBe(NO_INTERNET_CODE);
    } finally {
      await client.close();
    }
  });

  it('loopback still works: 127.0.0.1 and localhost', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const plain = new Agent();
      agents.push(plain);
      const response = await request(`http://${host}:${port}/`, { dispatcher: plain });
      expect(await response.body.json()).toEqual({ ok: true });
    }
  });

  it('what counts as loopback', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['10.0.0.1', '192.0.2.1', '0.0.0.0', 'example.com', '127.0.0.1.nip.io', '::ffff:10.0.0.1', '2001:db8::1']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
