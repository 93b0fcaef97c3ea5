// The source-devin-simulator executable (built by the global setup into dist/).
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/simulator/cli.js', import.meta.url));

describe('source-devin-simulator CLI', () => {
  it('prints its url and keys on one stdout line, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--members', '12', '--days', '5', '--seed', '7', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
      });
      const announced = JSON.parse(firstLine) as { url: string; keys: string[] };
      expect(announced.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(announced.keys).toContain('cog_sim_enterprise');
      const response = await request(`${announced.url}/v3/enterprise/members/users`, {
        headers: { authorization: 'Bearer cog_sim_enterprise' },
      });
      const page = (await response.body.json()) as { total: number };
      expect(response.statusCode).toBe(200);
      expect(page.total).toBeGreaterThan(0);
      expect(stderr).toContain(announced.url);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('rejects a bad flag with one stderr line and exit code 2', () => {
    for (const args of [['--nope'], ['--members', 'many'], ['--rate-limit', '0'], ['--port', '-1'], ['--sessions', '-1'], ['--sessions-ignore-time-filters=x']]) {
      const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 10_000 });
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')[0]).toMatch(/^source-devin-simulator: /);
    }
  });

  it('--sessions sets the data set size and --sessions-ignore-time-filters the filter-ignoring mode', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--sessions', '7', '--sessions-ignore-time-filters', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', () => reject(new Error('exited early')));
      });
      const { url } = JSON.parse(firstLine) as { url: string };
      // a far-future updated_after would match nothing if it were applied
      const response = await request(`${url}/v3/enterprise/sessions?updated_after=4000000000`, {
        headers: { authorization: 'Bearer cog_sim_enterprise' },
      });
      const page = (await response.body.json()) as { total: number; items: unknown[] };
      expect(response.statusCode).toBe(200);
      expect(page.total).toBe(7);
      expect(page.items).toHaveLength(7);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
