// The simulator's pagination-shape and deep-body faults, and its optional compression (off by
// default; gzip/deflate/br/auto only when the request's Accept-Encoding allows; the CLI flag).
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acceptedCodings } from '../../src/simulator/compression.js';
import { KEY_ENTERPRISE, startSimulator, type FaultRule, type Simulator } from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get } from './helpers.js';

const MEMBERS = '/v3/enterprise/members/users';
const CLI = fileURLToPath(new URL('../../dist/simulator/cli.js', import.meta.url));

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 30 });
});
afterEach(() => {
  sim.setFaults([]);
  sim.setCompression(null);
});
afterAll(() => sim.close());

async function page(rule: FaultRule, query = '?first=5'): Promise<Record<string, unknown>> {
  sim.setFaults([rule]);
  return asObject((await get(sim, `${MEMBERS}${query}`)).json);
}

describe('pagination-shape faults', () => {
  it('has-next-missing / -string / -number keep the cursor and restate has_next_page', async () => {
    const plain = asObject((await get(sim, `${MEMBERS}?first=5`)).json);
    expect(plain).toMatchObject({ has_next_page: true });
    const missing = await page({ kind: 'has-next-missing' });
    expect(missing).not.toHaveProperty('has_next_page');
    expect(missing['end_cursor']).toBe(plain['end_cursor']);
    expect(await page({ kind: 'has-next-string' })).toMatchObject({ has_next_page: 'true', end_cursor: plain['end_cursor'] });
    expect(await page({ kind: 'has-next-number' })).toMatchObject({ has_next_page: 1, end_cursor: plain['end_cursor'] });
    // on the last page: "false" / 0 and a null cursor
    expect(await page({ kind: 'has-next-string' }, '?first=200')).toMatchObject({ has_next_page: 'false', end_cursor: null });
    expect(await page({ kind: 'has-next-number' }, '?first=200')).toMatchObject({ has_next_page: 0, end_cursor: null });
  });

  it('empty-pages: no items, has_next_page true, and a fresh cursor the simulator accepts, forever', async () => {
    sim.setFaults([{ kind: 'empty-pages' }]);
    const cursors: string[] = [];
    let query = '?first=5';
    for (let i = 0; i < 8; i += 1) {
      const reply = await get(sim, `${MEMBERS}${query}`);
      expect(reply.status).toBe(200);
      const body = asObject(reply.json);
      expect(body).toMatchObject({ items: [], has_next_page: true });
      cursors.push(body['end_cursor'] as string);
      query = `?first=5&after=${enc(body['end_cursor'] as string)}`;
    }
    expect(new Set(cursors).size).toBe(8);
  });

  it('ends-early: has_next_page false and no cursor, the total unchanged', async () => {
    const body = await page({ kind: 'ends-early' });
    expect(body).toMatchObject({ has_next_page: false, end_cursor: null, total: expect.any(Number) });
    expect((body['items'] as unknown[]).length).toBe(5);
    expect(body['total']).toBeGreaterThan(5);
  });

  it('deep-body: a 200 whose items nest `depth` arrays deep (default 5000)', async () => {
    sim.setFaults([{ kind: 'deep-body', depth: 3 }]);
    expect((await get(sim, `${MEMBERS}?first=5`)).text).toBe('{"items":[[[]]]}');
    sim.setFaults([{ kind: 'deep-body' }]);
    const text = (await get(sim, `${MEMBERS}?first=5`)).text;
    expect(text.length).toBe('{"items":}'.length + 10_000);
  });

  it('list-only shapes do not fire on other endpoints', async () => {
    sim.setFaults([{ kind: 'empty-pages' }]);
    const self = await get(sim, '/v3/self');
    expect(self.status).toBe(200);
    expect(sim.requests.at(-1)?.fault).toBeUndefined();
  });
});

async function raw(acceptEncoding?: string): Promise<{ encoding: string | undefined; body: Buffer; vary: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${KEY_ENTERPRISE}` };
  if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
  const response = await request(`${sim.url}${MEMBERS}?first=50`, { headers });
  const body = Buffer.from(await response.body.arrayBuffer());
  const encoding = response.headers['content-encoding'];
  return { encoding: typeof encoding === 'string' ? encoding : undefined, body, vary: response.headers['vary'] };
}

describe('compression', () => {
  it('is off by default, even when the client asks for it', async () => {
    const reply = await raw('gzip, deflate, br');
    expect(reply.encoding).toBeUndefined();
    expect(asObject(JSON.parse(reply.body.toString('utf8')))).toHaveProperty('items');
    expect(sim.requests.at(-1)?.contentEncoding).toBeUndefined();
  });

  it.each([
    ['gzip', gunzipSync],
    ['deflate', inflateSync],
    ['br', brotliDecompressSync],
  ] as const)('%s when the client accepts it, and several times smaller', async (coding, decode) => {
    const plain = await raw();
    sim.setCompression(coding);
    const reply = await raw('gzip, deflate, br');
    expect(reply.encoding).toBe(coding);
    expect(reply.vary).toBe('Accept-Encoding');
    expect(decode(reply.body).equals(plain.body)).toBe(true);
    expect(reply.body.length).toBeLessThan(plain.body.length / 4);
    expect(sim.requests.at(-1)?.contentEncoding).toBe(coding);
    // not offered (or refused with q=0): identity
    expect((await raw()).encoding).toBeUndefined();
    expect((await raw(`${coding};q=0, identity`)).encoding).toBeUndefined();
  });

  it('auto picks br, then gzip, then deflate, among what the client accepts', async () => {
    sim.setCompression('auto');
    expect((await raw('gzip, deflate, br')).encoding).toBe('br');
    expect((await raw('deflate, gzip')).encoding).toBe('gzip');
    expect((await raw('deflate')).encoding).toBe('deflate');
    expect((await raw('*')).encoding).toBe('br');
    expect((await raw('identity')).encoding).toBeUndefined();
  });

  it('reads Accept-Encoding q-values', () => {
    expect([...acceptedCodings('gzip;q=0.5, br;q=0, deflate')]).toEqual(['gzip', 'deflate']);
    expect([...acceptedCodings(undefined)]).toEqual([]);
  });

  it('rejects an unknown mode', async () => {
    await expect(startSimulator({ compression: 'zip' as never })).rejects.toThrow(/compression must be auto, gzip, deflate or br/);
  });

  it('--compression on the CLI: encodes what the client accepts; a bad value is exit 2', async () => {
    const bad = spawnSync(process.execPath, [CLI, '--compression', 'zip'], { encoding: 'utf8', timeout: 10_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toMatch(/^source-devin-simulator: --compression must be one of auto, gzip, deflate, br/);
    const child = spawn(process.execPath, [CLI, '--port', '0', '--members', '5', '--days', '2', '--compression', 'gzip', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', () => reject(new Error('exited early')));
      });
      const { url } = JSON.parse(line) as { url: string };
      const response = await request(`${url}${MEMBERS}`, { headers: { authorization: `Bearer ${KEY_ENTERPRISE}`, 'accept-encoding': 'gzip' } });
      expect(response.headers['content-encoding']).toBe('gzip');
      const body = JSON.parse(gunzipSync(Buffer.from(await response.body.arrayBuffer())).toString('utf8')) as { total: number };
      expect(body.total).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
