/**
 * A directory holds, for the whole read, only what its fan-outs copy onto their rows (issue 15.3):
 * each partition is its id and the declaration's `partitionFields`. The full records go to the
 * streams that emit them and are then let go; the API is asked for each listing page once, however
 * often the directory is asked after that. Against the simulator over loopback, compared with its
 * ground truth.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { dayOfMillis } from '../../src/devin/billing-day.js';
import { DevinClient } from '../../src/devin/client.js';
import { AdaptiveLimiter } from '../../src/devin/limiter.js';
import { Directories, directoryReaders, type DirectoryReaders } from '../../src/engine/directory.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { DIRECTORIES, findStream } from '../../src/streams/index.js';
import type { DirectoryName, StreamDeclaration } from '../../src/streams/types.js';
import type { SyncModeName } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf } from '../helpers/read.js';

const START = '2026-03-07';
let sim: Simulator;
let client: DevinClient | undefined;

beforeAll(async () => {
  // More members than one listing page (200) holds, so the directory pages.
  sim = await startSimulator({ members: 450, days: 4, now: () => FIXED_NOW });
});
afterAll(() => sim.close());
afterEach(async () => {
  await client?.close();
  client = undefined;
});

function directories(readers: ReadonlyMap<DirectoryName, DirectoryReaders>): Directories {
  const config = resolveConfig({ api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: START }, dayOfMillis(FIXED_NOW));
  client = new DevinClient({ apiUrl: sim.url, apiKey: KEY_ENTERPRISE, userAgent: 'source-devin-test', limiter: new AdaptiveLimiter({ maxConcurrency: 4 }) });
  return new Directories(DIRECTORIES, { client, scope: { kind: 'enterprise' }, config, today: dayOfMillis(FIXED_NOW) }, readers);
}

const memberListingRequests = (): string[] =>
  sim.requests.filter((r) => r.path === '/v3/enterprise/members/users' || r.path === '/v3/enterprise/members/idp-users').map((r) => r.rawUrl);

const truth = () => sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY });

describe('the members directory', () => {
  it('hands the full records to its one reader, then keeps only ids and partitionFields, asking nothing again', async () => {
    sim.clearRequests();
    const members = directories(new Map([['members', { records: 1, fanOuts: 1 }]])).get('members');
    const records = await members.records();
    expectRecordsToEqualTruth('members', records.map((r) => r.data), truth().members);
    const asked = memberListingRequests();
    expect(asked.length).toBeGreaterThanOrEqual(3); // both listings, the direct one over several pages
    expect(new Set(asked).size).toBe(asked.length);

    await expect(members.records()).rejects.toThrow("the members directory's records were already handed to every reader");
    const partitions = await members.partitions();
    expect(partitions.map((p) => p.id)).toEqual(records.map((r) => r.data.user_id));
    // Only the declared fields (email), not the member's name, roles or assignments.
    expect(DIRECTORIES.members.partitionFields).toEqual(['email']);
    partitions.forEach((p, i) => expect(p.fields).toEqual({ email: records[i]?.data.email }));
    expect(memberListingRequests()).toEqual(asked);
  });

  it('keeps no full records when no stream of the read emits them, and fans out over the same ids', async () => {
    sim.clearRequests();
    const members = directories(new Map([['members', { records: 0, fanOuts: 1 }]])).get('members');
    const partitions = await members.partitions();
    const expected = truth().members.map((m) => m.user_id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(partitions.map((p) => p.id)).toEqual(expected);
    const asked = memberListingRequests();
    await expect(members.records()).rejects.toThrow('already handed to every reader');
    expect(await members.partitions()).toBe(partitions);
    expect(memberListingRequests()).toEqual(asked);
  });

  it('hands the records to each of several readers, from one listing, and builds no fan-out view when none fans out', async () => {
    sim.clearRequests();
    const members = directories(new Map([['members', { records: 2, fanOuts: 0 }]])).get('members');
    const [first, second] = await Promise.all([members.records(), members.records()]);
    expect(second).toBe(first);
    expectRecordsToEqualTruth('members', (first ?? []).map((r) => r.data), truth().members);
    const asked = memberListingRequests();
    expect(new Set(asked).size).toBe(asked.length);
    await expect(members.records()).rejects.toThrow('already handed to every reader');
    await expect(members.partitions()).rejects.toThrow('no stream of this read fans out over the members directory');
    expect(memberListingRequests()).toEqual(asked);
  });

  it('counts, from the read\'s streams, who emits each directory and who fans out over it', () => {
    const streams = ['members', 'daily_consumption', 'pr_metrics_by_member', 'service_users', 'pr_metrics'].map((name) => findStream(name) as StreamDeclaration);
    expect(directoryReaders(streams)).toEqual(
      new Map([
        ['members', { records: 1, fanOuts: 2 }],
        ['service_users', { records: 1, fanOuts: 0 }],
      ]),
    );
    expect(directoryReaders([findStream('daily_consumption_by_organization') as StreamDeclaration])).toEqual(new Map([['organizations', { records: 0, fanOuts: 1 }]]));
  });
});

describe('a read whose fan-outs copy directory fields', () => {
  it('gives daily_consumption the members\' emails and service-user consumption the names, with or without the directory streams', async () => {
    const expected = truth();
    const fanOuts: Record<string, SyncModeName> = { daily_consumption: 'full_refresh', daily_consumption_by_service_user: 'full_refresh' };
    for (const streams of [fanOuts, { ...fanOuts, members: 'full_refresh', service_users: 'full_refresh' } satisfies Record<string, SyncModeName>]) {
      sim.clearRequests();
      const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: START }, streams });
      expect(run.code).toBe(0);
      expectRecordsToEqualTruth('daily_consumption', recordsOf(run, 'daily_consumption'), expected.daily_consumption);
      expectRecordsToEqualTruth('daily_consumption_by_service_user', recordsOf(run, 'daily_consumption_by_service_user'), expected.daily_consumption_by_service_user);
      expect(recordsOf(run, 'daily_consumption').some((r) => typeof r.email === 'string')).toBe(true);
      expect(recordsOf(run, 'daily_consumption_by_service_user').some((r) => typeof r.service_user_name === 'string')).toBe(true);
      const asked = memberListingRequests();
      expect(new Set(asked).size).toBe(asked.length);
    }
  });
});
