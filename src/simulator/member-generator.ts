/**
 * Generates the simulated user at a given creation index from the seed alone.
 *
 * Ids rotate through the identity-provider styles seen in real Devin data, and a few fixed edge
 * cases (reserved URL characters, path traversal, spaces, unicode, nulls) sit at low indexes so
 * that even a small data set exercises them.
 */
import { hashInts, hex8, unitOf } from './hash.js';
import type { MemberListing, NewMember, SimulatedMember } from './types.js';

/** User ids that break naive URL building; present whenever members >= 8. */
export const EDGE_USER_IDS: ReadonlyMap<number, string> = new Map([
  [1, 'samlp|acme/jdoe'],
  [3, 'email|what?x=1#frag'],
  [5, 'weird|../../v3/self'],
  [7, 'space user|a b%20c'],
]);

export const UNICODE_NAMES: readonly string[] = ['Zoë Ångström', '李雷', 'José Ñúñez', 'Ærøskøbing Ølstad 🚀'];

/** Fixed indexes for the other edge cases, so small data sets contain them too. */
const FIXED_UNICODE_NAME: ReadonlyMap<number, string> = new Map([
  [4, UNICODE_NAMES[0]!],
  [6, UNICODE_NAMES[1]!],
  [10, UNICODE_NAMES[2]!],
  [12, UNICODE_NAMES[3]!],
]);
const FIXED_NULL_EMAIL = new Set([8]);
const FIXED_NULL_NAME = new Set([11]);
const FIXED_LISTING: ReadonlyMap<number, MemberListing> = new Map([
  [0, 'direct'],
  [2, 'idp'],
  [9, 'both'],
  [13, 'idp'],
]);
const FIXED_NON_CONSUMER = new Set([14]);
/** Edge-id users always consume, so their percent-encoded consumption paths return rows. */
const FIXED_CONSUMER = new Set([0, 1, 3, 5, 7]);

const FIRST_NAMES = ['ada', 'grace', 'alan', 'linus', 'barbara', 'edsger', 'margaret', 'dennis', 'frances', 'ken',
  'radia', 'john', 'sophie', 'tim', 'katherine', 'donald', 'hedy', 'niklaus', 'anita', 'guido'];
const LAST_NAMES = ['lovelace', 'hopper', 'turing', 'torvalds', 'liskov', 'dijkstra', 'hamilton', 'ritchie',
  'allen', 'thompson', 'perlman', 'mccarthy', 'wilson', 'berners', 'johnson', 'knuth', 'lamarr', 'wirth',
  'borg', 'rossum'];

// Salts keep the attributes of one user independent of each other.
const SALT = {
  id: 1,
  email: 2,
  name: 3,
  unicode: 4,
  listing: 5,
  otherOrg: 6,
  otherOrgPick: 7,
  consumes: 8,
  enterpriseRole: 9,
  orgRole: 10,
  firstName: 11,
  lastName: 12,
} as const;

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function userIdOf(seed: number, index: number): string {
  const edge = EDGE_USER_IDS.get(index);
  if (edge !== undefined) return edge;
  const h = hashInts(seed, index, SALT.id);
  // The index is embedded in every id so ids are unique by construction.
  switch (index % 4) {
    case 0:
      return `email|${hex8(h)}${hex8(hashInts(h, 1))}${index.toString(16).padStart(8, '0')}`;
    case 1:
      return `google-oauth2|1${String(h % 100_000_000).padStart(8, '0')}${String(index).padStart(10, '0')}`;
    case 2:
      return `okta|u${index}`;
    default:
      return `auth0|${hex8(hashInts(h, 2))}${index.toString(16).padStart(16, '0')}`;
  }
}

function listingOf(seed: number, index: number): MemberListing {
  const fixed = FIXED_LISTING.get(index);
  if (fixed !== undefined) return fixed;
  const u = unitOf(hashInts(seed, index, SALT.listing));
  return u < 0.7 ? 'direct' : u < 0.85 ? 'idp' : 'both';
}

function consumesOf(seed: number, index: number): boolean {
  if (FIXED_CONSUMER.has(index)) return true;
  if (FIXED_NON_CONSUMER.has(index)) return false;
  return unitOf(hashInts(seed, index, SALT.consumes)) >= 0.1;
}

function orgIdsOf(seed: number, index: number, orgs: readonly string[]): string[] {
  const home = orgs[index % orgs.length]!;
  if (orgs.length < 2 || unitOf(hashInts(seed, index, SALT.otherOrg)) >= 0.2) return [home];
  const step = 1 + (hashInts(seed, index, SALT.otherOrgPick) % (orgs.length - 1));
  return [home, orgs[(index + step) % orgs.length]!];
}

export function generateMember(seed: number, index: number, orgs: readonly string[]): SimulatedMember {
  const first = FIRST_NAMES[hashInts(seed, index, SALT.firstName) % FIRST_NAMES.length]!;
  const last = LAST_NAMES[hashInts(seed, index, SALT.lastName) % LAST_NAMES.length]!;

  const nullEmail = FIXED_NULL_EMAIL.has(index) || unitOf(hashInts(seed, index, SALT.email)) < 0.05;
  const nullName = FIXED_NULL_NAME.has(index) || unitOf(hashInts(seed, index, SALT.name)) < 0.05;
  const unicodeRoll = hashInts(seed, index, SALT.unicode);
  const unicodeName =
    FIXED_UNICODE_NAME.get(index) ??
    (unitOf(unicodeRoll) < 0.04 ? UNICODE_NAMES[unicodeRoll % UNICODE_NAMES.length]! : undefined);

  const orgIds = orgIdsOf(seed, index, orgs);
  const orgRoleIds: Record<string, string> = {};
  for (const orgId of orgIds) {
    const admin = unitOf(hashInts(seed, index, SALT.orgRole, orgIds.indexOf(orgId))) < 0.1;
    orgRoleIds[orgId] = admin ? 'org_admin' : 'org_member';
  }

  return freezeMember({
    index,
    user_id: userIdOf(seed, index),
    email: nullEmail ? null : `${first}.${last}${index}@example.com`,
    name: nullName ? null : (unicodeName ?? `${capitalise(first)} ${capitalise(last)}`),
    home_org_id: orgIds[0]!,
    org_ids: orgIds,
    listing: listingOf(seed, index),
    enterprise_role_id:
      index === 0 || unitOf(hashInts(seed, index, SALT.enterpriseRole)) < 0.05 ? 'account_admin' : 'account_member',
    org_role_ids: orgRoleIds,
    consumes: consumesOf(seed, index),
  });
}

/** Members are shared with callers of `data.members()`; freezing stops a test from editing them by accident. */
export function freezeMember(member: SimulatedMember): SimulatedMember {
  Object.freeze(member.org_ids);
  Object.freeze(member.org_role_ids);
  return Object.freeze(member);
}

/** The member `addMember` creates: every field `input` leaves out gets its default. */
export function newMember(input: NewMember, index: number, defaultOrg: string): SimulatedMember {
  const home = input.home_org_id ?? defaultOrg;
  const orgIds = [home, ...(input.org_ids ?? []).filter((orgId) => orgId !== home)];
  const orgRoleIds: Record<string, string> = {};
  for (const orgId of orgIds) orgRoleIds[orgId] = input.org_role_ids?.[orgId] ?? 'org_member';
  return freezeMember({
    index,
    user_id: input.user_id,
    email: input.email ?? null,
    name: input.name ?? null,
    home_org_id: home,
    org_ids: orgIds,
    listing: input.listing ?? 'direct',
    enterprise_role_id: input.enterprise_role_id ?? 'account_member',
    org_role_ids: orgRoleIds,
    consumes: input.consumes ?? true,
  });
}
