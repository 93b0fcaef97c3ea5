/**
 * The Singer catalog's shape checks (zod schemas in src/protocol/singer-selection.ts), message by
 * message: each names the entry, the breadcrumb and the key, and quotes the value it got.
 */
import { describe, expect, it } from 'vitest';
import { planFromCatalog } from '../../src/protocol/singer-selection.js';

const md = (metadata: unknown, breadcrumb: unknown = []) => ({ streams: [{ tap_stream_id: 'members', metadata: [{ breadcrumb, metadata }] }] });
const plan = (catalog: unknown) => planFromCatalog(catalog, () => undefined);

describe('Singer catalog shape errors', () => {
  it.each([
    ['a streams entry that is not an object', { streams: [7] }, 'streams[0] must be an object'],
    ['an entry without a name', { streams: [{ tap_stream_id: '' }] }, 'streams[0] has no tap_stream_id'],
    ['a metadata item without a breadcrumb', { streams: [{ tap_stream_id: 'members', metadata: [{ metadata: {} }] }] }, 'streams[0] (members): metadata[0] must be {"breadcrumb": [...], "metadata": {...}}'],
    ['an unknown inclusion', md({ inclusion: 'always' }), 'streams[0] (members): metadata [] inclusion must be available, automatic or unsupported (got "always")'],
    ['selected-by-default a number', md({ 'selected-by-default': 1 }), 'streams[0] (members): metadata [] selected-by-default must be true or false (got 1)'],
    ['replication-method a number', md({ selected: true, 'replication-method': 3 }), 'streams[0] (members): metadata [] replication-method must be a string (got 3)'],
    ['forced-replication-method a list', md({ 'forced-replication-method': ['FULL_TABLE'] }), 'streams[0] (members): metadata [] forced-replication-method must be a string (got ["FULL_TABLE"])'],
    ['replication-key on a field', md({ 'replication-key': false }, ['properties', 'email']), 'streams[0] (members): metadata ["properties","email"] replication-key must be a string (got false)'],
    ['the first bad key is the one named', md({ 'replication-key': 1, inclusion: 'x', selected: 'maybe' }), 'metadata [] inclusion must be available'],
    ['an entry replication_key that is not a string', { streams: [{ tap_stream_id: 'members', replication_key: 5 }] }, 'streams[0] (members): replication_key must be a string (got 5)'],
  ])('%s', (_label, catalog, message) => {
    expect(() => plan(catalog)).toThrow(message);
  });

  it('reads "selected" spelled as a string in any case and spacing, and empty strings as unset', () => {
    expect(plan(md({ selected: ' TRUE ', 'replication-method': '' })).map((p) => [p.stream.name, p.replicationMethod])).toEqual([['members', 'FULL_TABLE']]);
    expect(plan(md({ selected: 'False' }))).toEqual([]);
  });

  it('a bad replication_key of a stream that is not selected is not an error', () => {
    expect(plan({ streams: [{ tap_stream_id: 'members', replication_key: 5, metadata: [{ breadcrumb: [], metadata: { selected: false } }] }] })).toEqual([]);
  });
});
