/**
 * Devin's documentation builds spell some permissions in two ways. Where the reference
 * (/work/shared/reference/devin-api-v3.md §1.6, devin-api-v3-more.md §0, §2.1, §9, §13.6) documents both names
 * for an endpoint family in a scope, the endpoint map must carry both, so that messages, `check` and the
 * permissions tables name the one the user's Devin build shows. An endpoint added with only one of the two
 * names fails here.
 */
import { describe, expect, it } from 'vitest';
import { ENDPOINTS, describePermission, type EndpointInfo } from '../../src/devin/endpoints.js';
import type { ScopeKind } from '../../src/streams/types.js';

/** Pairs of names of one permission, per key scope, as Devin's own documentation builds write them. */
const DOCUMENTED_PAIRS: Record<ScopeKind, ReadonlyArray<readonly [string, string]>> = {
  enterprise: [
    ['ViewAccountConsumption', 'ManageBilling'], // consumption and cycles: English → localized builds
    ['ViewAccountMembership', 'ManageAccountMembership'], // members, IdP users, service users
    ['ViewAccountSessions', 'ViewOrgSessions'], // sessions family: older docs and tools say ViewOrgSessions
  ],
  organization: [
    ['ViewOrgMetrics', 'ViewAccountMetrics'], // metrics at org level: "ViewAccountMetrics at the organization level" (en)
    // Not a pair here: knowledge notes. The list endpoint's pages say ManageAccountKnowledge; only the
    // single-note page (not called) says ManageKnowledge, and Airbyte's docs ManageOrgKnowledge.
  ],
};

describe.each(['enterprise', 'organization'] as const)('the %s endpoint map', (scope) => {
  const endpoints = Object.entries(ENDPOINTS[scope] as Record<string, EndpointInfo>);

  it('lists both documented names wherever it lists one of a documented pair', () => {
    expect(endpoints.length).toBeGreaterThan(0);
    for (const [name, info] of endpoints) {
      for (const pair of DOCUMENTED_PAIRS[scope]) {
        if (pair.some((spelling) => info.permission.includes(spelling))) {
          expect([...info.permission].sort(), `${scope} ${name}: add the other documented spelling`).toEqual(expect.arrayContaining([...pair].sort()));
        }
      }
    }
  });

  it('names each permission once, and messages show the second name', () => {
    for (const [name, info] of endpoints) {
      expect(new Set(info.permission).size, name).toBe(info.permission.length);
      expect(info.permission.length, name).toBeGreaterThan(0);
      if (info.permission.length > 1) expect(describePermission(info), name).toContain(`(${info.permission[1]} in `);
    }
  });
});
