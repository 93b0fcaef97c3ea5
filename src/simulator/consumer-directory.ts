/**
 * Organizations and service users as the directory endpoints list them, and the service users'
 * consumption. Active service users are the ones sessions are owned by (session-owners.ts); each
 * org also has one expired and one deleted service user, listed only with include_inactive=true,
 * who consumed until the day they stopped. Everything is a pure function of (seed, org, day).
 */
import { dayStartSeconds, SECONDS_PER_DAY } from '../devin/billing-day.js';
import { hashInts, hashString, hex8 } from './hash.js';
import { generatedConsumption } from './usage-generator.js';
import type { SimulatedServiceUser } from './session-types.js';
import type { ConsumptionValue } from './types.js';

const SALT = { inactiveId: 301, stop: 302, org: 303, limit: 304, usage: 305 } as const;
/** Service users' generated usage indexes start here, far from members' creation indexes. */
const USAGE_INDEX_BASE = 50_000_000;

export interface DirectoryServiceUser {
  service_user_id: string;
  name: string;
  org_id: string;
  expires_at: number | null;
  deleted_at: number | null;
  role_assignments: Array<{ role: { role_id: string; role_name: string; role_type: 'org' }; org_id: string }>;
  /** First billing day without consumption (null: still active). */
  stoppedDay: number | null;
}

export interface DirectoryOrganization {
  org_id: string;
  name: string;
  created_at: number;
  updated_at: number;
  max_session_acu_limit: number | null;
  max_cycle_acu_limit: number | null;
}

export interface ConsumerDirectoryOptions {
  seed: number;
  orgs: readonly string[];
  firstDay: number;
  /** Today when the simulator started: inactive service users stopped shortly before it (fixed, so moving the clock changes no past day). */
  startDay: number;
  activeServiceUsers(orgId: string): SimulatedServiceUser[];
}

export class ConsumerDirectory {
  readonly #options: ConsumerDirectoryOptions;
  readonly #byOrg = new Map<string, DirectoryServiceUser[]>();
  readonly #byId = new Map<string, DirectoryServiceUser>();
  readonly #added: DirectoryServiceUser[] = [];
  readonly #addedOrgs: DirectoryOrganization[] = [];

  constructor(options: ConsumerDirectoryOptions) {
    this.#options = options;
  }

  organizations(): DirectoryOrganization[] {
    const { seed, firstDay } = this.#options;
    const generated = this.#options.orgs.map((orgId) => {
      const h = hashInts(seed, hashString(orgId), SALT.org);
      const created = dayStartSeconds(firstDay) - (h % (400 * SECONDS_PER_DAY));
      const limit = hashInts(h, SALT.limit);
      return {
        org_id: orgId,
        name: `Organization ${orgId}`,
        created_at: created,
        updated_at: created + (hashInts(h, 2) % (30 * SECONDS_PER_DAY)),
        max_session_acu_limit: limit % 3 === 0 ? null : 50 + (limit % 200),
        max_cycle_acu_limit: limit % 5 === 0 ? null : 1_000 + (limit % 9_000),
      };
    });
    return [...generated, ...this.#addedOrgs];
  }

  hasOrganization(orgId: string): boolean {
    return this.#options.orgs.includes(orgId) || this.#addedOrgs.some((org) => org.org_id === orgId);
  }

  /**
   * An organization created while the simulator runs: listed, with no members, so its consumption is
   * that of the service users added to it (addServiceUser), from the first day.
   */
  addOrganization(orgId: string, name = `Organization ${orgId}`): DirectoryOrganization {
    if (this.hasOrganization(orgId)) throw new Error(`simulator: organization ${JSON.stringify(orgId)} already exists`);
    const created = dayStartSeconds(this.#options.startDay);
    const org = { org_id: orgId, name, created_at: created, updated_at: created, max_session_acu_limit: null, max_cycle_acu_limit: null };
    this.#addedOrgs.push(org);
    return org;
  }

  /** Every service user of one org or of the enterprise (null), inactive ones included. */
  serviceUsers(orgId: string | null): DirectoryServiceUser[] {
    const orgs = orgId === null ? this.#options.orgs : this.#options.orgs.filter((org) => org === orgId);
    const added = this.#added.filter((user) => orgId === null || user.org_id === orgId);
    return [...orgs.flatMap((org) => this.#ofOrg(org)), ...added];
  }

  serviceUser(id: string): DirectoryServiceUser | undefined {
    for (const org of this.#options.orgs) this.#ofOrg(org);
    return this.#byId.get(id);
  }

  /** A service user created while the simulator runs (active, consuming from `firstDay`). */
  addServiceUser(orgId: string, serviceUserId: string, name = `${orgId} added ${this.#added.length + 1}`): DirectoryServiceUser {
    const user = serviceUserItem(serviceUserId, name, orgId, null, null, null);
    this.#added.push(user);
    this.#byId.set(user.service_user_id, user);
    return user;
  }

  consumption(user: DirectoryServiceUser, day: number): ConsumptionValue | null {
    if (day < this.#options.firstDay || (user.stoppedDay !== null && day >= user.stoppedDay)) return null;
    const index = USAGE_INDEX_BASE + (hashString(user.service_user_id) % 10_000_000);
    return generatedConsumption(hashInts(this.#options.seed, SALT.usage), index, day);
  }

  #ofOrg(orgId: string): DirectoryServiceUser[] {
    let users = this.#byOrg.get(orgId);
    if (users === undefined) {
      const { seed, firstDay, startDay } = this.#options;
      users = this.#options.activeServiceUsers(orgId).map((user) =>
        serviceUserItem(user.service_user_id, user.service_user_name, orgId, null, null, null),
      );
      for (const [k, kind] of (['expired', 'deleted'] as const).entries()) {
        const h = hashInts(seed, hashString(orgId), k, SALT.inactiveId);
        const id = `service-user-${hex8(h)}${hex8(hashInts(h, 1))}${hex8(hashInts(h, 2))}${hex8(hashInts(h, 3))}`;
        const stoppedDay = Math.max(firstDay + 1, startDay - 3 - (hashInts(h, SALT.stop) % 20));
        const at = dayStartSeconds(stoppedDay) - 3_600;
        users.push(serviceUserItem(id, `${orgId} ${kind} automation`, orgId, kind === 'expired' ? at : null, kind === 'deleted' ? at : null, stoppedDay));
      }
      this.#byOrg.set(orgId, users);
      for (const user of users) this.#byId.set(user.service_user_id, user);
    }
    return users;
  }
}

export function isActive(user: DirectoryServiceUser): boolean {
  return user.stoppedDay === null;
}

function serviceUserItem(
  id: string,
  name: string,
  orgId: string,
  expiresAt: number | null,
  deletedAt: number | null,
  stoppedDay: number | null,
): DirectoryServiceUser {
  return {
    service_user_id: id,
    name,
    org_id: orgId,
    expires_at: expiresAt,
    deleted_at: deletedAt,
    role_assignments: [{ role: { role_id: 'org_member', role_name: 'Member', role_type: 'org' }, org_id: orgId }],
    stoppedDay,
  };
}
