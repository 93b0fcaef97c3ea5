/**
 * Who a generated session belongs to (org, member or service user) and its parent/child links.
 *
 * Owners are drawn from the members generated at start-up (not the current member list), so
 * removing a member later leaves their sessions as they were, as on the real API. A child session
 * is created while its parent still runs and inherits the parent's owner.
 */
import { hashInts, hashString, hex8, unitOf } from './hash.js';
import { generateMember } from './member-generator.js';
import type { SimulatedServiceUser } from './session-types.js';
import type { SessionTimeline } from './session-timeline.js';
import type { SimulatedMember } from './types.js';

export const SERVICE_USERS_PER_ORG = 2;
const SERVICE_USER_SHARE = 0.15;
const CHILD_SHARE = 0.06;
const SALT = { owner: 201, member: 202, otherOrg: 203, serviceUser: 204, child: 205, parent: 206, serviceId: 207 } as const;

export interface SessionOwner {
  org_id: string;
  user_id: string | null;
  service_user_id: string | null;
}

export function serviceUsersOf(seed: number, orgId: string): SimulatedServiceUser[] {
  const users: SimulatedServiceUser[] = [];
  for (let k = 0; k < SERVICE_USERS_PER_ORG; k++) {
    const h = hashInts(seed, hashString(orgId), k, SALT.serviceId);
    users.push({
      service_user_id: `service-user-${hex8(h)}${hex8(hashInts(h, 1))}${hex8(hashInts(h, 2))}${hex8(hashInts(h, 3))}`,
      service_user_name: `${orgId} automation ${k + 1}`,
      org_id: orgId,
    });
  }
  return users;
}

export class SessionOwners {
  readonly #seed: number;
  readonly #orgs: readonly string[];
  readonly #timeline: SessionTimeline;
  readonly #memberCount: number;
  #members: SimulatedMember[] | undefined;
  readonly #serviceUsers = new Map<string, SimulatedServiceUser[]>();

  constructor(seed: number, orgs: readonly string[], memberCount: number, timeline: SessionTimeline) {
    this.#seed = seed;
    this.#orgs = orgs;
    this.#memberCount = memberCount;
    this.#timeline = timeline;
  }

  serviceUsers(orgId: string): SimulatedServiceUser[] {
    let users = this.#serviceUsers.get(orgId);
    if (users === undefined) {
      users = serviceUsersOf(this.#seed, orgId);
      this.#serviceUsers.set(orgId, users);
    }
    return users;
  }

  #initialMembers(): SimulatedMember[] {
    this.#members ??= Array.from({ length: this.#memberCount }, (_, index) => generateMember(this.#seed, index, this.#orgs));
    return this.#members;
  }

  /** The session this one was spawned from, if any (always an older, still running one). */
  parentOf(index: number): number | undefined {
    if (index < 1 || unitOf(hashInts(this.#seed, index, SALT.child)) >= CHILD_SHARE) return undefined;
    const parent = index - 1 - (hashInts(this.#seed, index, SALT.parent) % Math.min(3, index));
    const parentEnds = this.#timeline.createdAt(parent) + this.#timeline.lifetime(parent);
    return this.#timeline.createdAt(index) < parentEnds ? parent : undefined;
  }

  /** Children of `index` created by `until` (the parent's updated_at), oldest first. */
  childrenOf(index: number, until: number): number[] {
    const children: number[] = [];
    for (let child = index + 1; child <= index + 3; child++) {
      if (this.#timeline.createdAt(child) > until) break;
      if (this.parentOf(child) === index) children.push(child);
    }
    return children;
  }

  owner(index: number): SessionOwner {
    let root = index;
    for (let parent = this.parentOf(root); parent !== undefined; parent = this.parentOf(root)) root = parent;
    return this.#ownOwner(root);
  }

  #ownOwner(index: number): SessionOwner {
    const members = this.#initialMembers();
    const h = hashInts(this.#seed, index, SALT.owner);
    if (members.length > 0 && unitOf(h) >= SERVICE_USER_SHARE) {
      // Users who never consume never run sessions: take the next consumer (a few tries at most).
      const picked = hashInts(this.#seed, index, SALT.member) % members.length;
      for (let step = 0; step < Math.min(8, members.length); step++) {
        const member = members[(picked + step) % members.length]!;
        if (!member.consumes) continue;
        const other = member.org_ids.length > 1 && unitOf(hashInts(this.#seed, index, SALT.otherOrg)) < 0.2;
        return { org_id: member.org_ids[other ? 1 : 0]!, user_id: member.user_id, service_user_id: null };
      }
    }
    const orgId = this.#orgs[h % this.#orgs.length]!;
    const users = this.serviceUsers(orgId);
    const serviceUser = users[hashInts(this.#seed, index, SALT.serviceUser) % users.length]!;
    return { org_id: orgId, user_id: null, service_user_id: serviceUser.service_user_id };
  }
}
