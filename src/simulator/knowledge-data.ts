/**
 * Playbooks, knowledge notes and secrets as the list endpoints serve them (devin-api-v3-more.md
 * §5.1–§5.3). Each organization has its own items, and the enterprise has enterprise-wide ones
 * (`access_type: 'enterprise'`, `org_id: null`) that every organization's listing shows too.
 * Secrets carry, on purpose, two fields the documented item does not have (`value`, `secret`) with
 * distinctive values: what a connector must never emit, log or trace. Everything is a pure function
 * of (seed, org, index), fixed when the simulator starts; timestamps are Unix seconds.
 */
import { dayStartSeconds, SECONDS_PER_DAY } from '../devin/billing-day.js';
import { hashInts, hashString, hex8 } from './hash.js';

const SALT = { playbook: 401, note: 402, secret: 403, value: 404, enterprise: 405 } as const;
/** Items per organization and family when the options do not say. */
export const DEFAULT_KNOWLEDGE_ITEMS = 8;
const SECRET_TYPES = ['key-value', 'cookie', 'totp'] as const;

export type KnowledgeItem = Record<string, unknown>;

export interface KnowledgeDataOptions {
  seed: number;
  orgs: readonly string[];
  firstDay: number;
  /** Playbooks, notes and secrets per organization; the enterprise has half as many of its own (rounded up). */
  itemsPerOrg: number;
}

export class KnowledgeData {
  readonly #options: KnowledgeDataOptions;
  readonly #cache = new Map<string, KnowledgeItem[]>();
  readonly #addedSecrets = new Map<string, KnowledgeItem[]>();

  constructor(options: KnowledgeDataOptions) {
    this.#options = options;
  }

  /** The enterprise's playbooks (scopeOrgId null) or an organization's plus the enterprise-wide ones. */
  playbooks(scopeOrgId: string | null): KnowledgeItem[] {
    return this.#visible(scopeOrgId, (owner) => this.#family('playbook', owner, playbookItem));
  }

  notes(scopeOrgId: string | null): KnowledgeItem[] {
    return this.#visible(scopeOrgId, (owner) => this.#family('note', owner, noteItem));
  }

  /** One organization's secrets as the API sends them: the documented fields plus `value` and `secret`. */
  secrets(orgId: string): KnowledgeItem[] {
    const generated = this.#options.orgs.includes(orgId) ? this.#family('secret', orgId, secretItem) : [];
    return [...generated, ...(this.#addedSecrets.get(orgId) ?? [])];
  }

  /** Every secret value the simulator sends (generated and added), for tests that prove none is emitted. */
  secretValues(): string[] {
    const all = [...this.#options.orgs.flatMap((org) => this.secrets(org)), ...[...this.#addedSecrets.values()].flat()];
    return [...new Set(all.flatMap((item) => [item.value, item.secret]).filter((v): v is string => typeof v === 'string'))];
  }

  /** Appends an item, as is, to an organization's secret list (a malformed row, for tests). */
  addRawSecret(orgId: string, item: KnowledgeItem): void {
    this.#addedSecrets.set(orgId, [...(this.#addedSecrets.get(orgId) ?? []), item]);
  }

  #visible(scopeOrgId: string | null, ofOwner: (owner: string | null) => KnowledgeItem[]): KnowledgeItem[] {
    const orgs = scopeOrgId === null ? this.#options.orgs : this.#options.orgs.filter((org) => org === scopeOrgId);
    return [...ofOwner(null), ...orgs.flatMap((org) => ofOwner(org))];
  }

  #family(kind: 'playbook' | 'note' | 'secret', owner: string | null, make: (g: Generated) => KnowledgeItem): KnowledgeItem[] {
    const cacheKey = `${kind}/${owner ?? ''}`;
    let items = this.#cache.get(cacheKey);
    if (items === undefined) {
      const { seed, itemsPerOrg, firstDay } = this.#options;
      const count = owner === null ? (kind === 'secret' ? 0 : Math.ceil(itemsPerOrg / 2)) : itemsPerOrg;
      const ownerHash = owner === null ? SALT.enterprise : hashString(owner);
      items = Array.from({ length: count }, (_, index) => {
        const h = hashInts(seed, ownerHash, SALT[kind], index);
        // Created 60 to 360 days before the history starts, changed up to 60 days later: never in the future.
        const created = dayStartSeconds(firstDay) - 60 * SECONDS_PER_DAY - (h % (300 * SECONDS_PER_DAY));
        return make({ h, index, owner, created, updated: created + (hashInts(h, 1) % (60 * SECONDS_PER_DAY)) });
      });
      this.#cache.set(cacheKey, items);
    }
    return items;
  }
}

interface Generated {
  h: number;
  index: number;
  owner: string | null;
  created: number;
  updated: number;
}

/** The first item of each list has an id with characters a URL or a CSV would mangle (kept as given). */
export const EDGE_ID_SUFFIX = '|a/b ä?#%';
const idOf = (prefix: string, h: number, index: number): string =>
  `${prefix}-${hex8(hashInts(h, 10))}${hex8(hashInts(h, 11))}${index === 0 ? EDGE_ID_SUFFIX : ''}`;
const author = (h: number): string => `user-${hex8(hashInts(h, 12))}`;
const accessType = (owner: string | null): 'enterprise' | 'org' => (owner === null ? 'enterprise' : 'org');

function playbookItem({ h, index, owner, created, updated }: Generated): KnowledgeItem {
  return {
    playbook_id: idOf('playbook', h, index),
    title: `${owner ?? 'Enterprise'} playbook ${index + 1}`,
    body: `## Steps\n1. Read the ticket (${hex8(h)})\n2. Open a PR`,
    macro: h % 3 === 0 ? null : `!pb${hex8(h).slice(0, 4)}`,
    created_by: author(h),
    updated_by: author(hashInts(h, 2)),
    created_at: created,
    updated_at: updated,
    access_type: accessType(owner),
    org_id: owner,
    structured_output_schema: h % 4 === 0 ? { type: 'object', properties: { summary: { type: 'string' } } } : null,
  };
}

function noteItem({ h, index, owner, created, updated }: Generated): KnowledgeItem {
  const inFolder = h % 3 !== 0;
  return {
    note_id: idOf('note', h, index),
    name: `${owner ?? 'Enterprise'} note ${index + 1}`,
    body: `Use pnpm, not npm, in repository ${hex8(h).slice(0, 6)}.`,
    trigger: 'When working on the build',
    is_enabled: h % 5 !== 0,
    created_at: created,
    updated_at: updated,
    access_type: accessType(owner),
    org_id: owner,
    folder_id: inFolder ? `folder-${hex8(hashInts(h, 3))}` : null,
    folder_path: inFolder ? `/team-${h % 4}` : '/',
    macro: h % 2 === 0 ? null : `!note${index}`,
    pinned_repo: h % 4 === 1 ? `acme/repo-${h % 7}` : null,
  };
}

function secretItem({ h, index, owner, created, updated }: Generated): KnowledgeItem {
  const v = hashInts(h, SALT.value);
  const changed = h % 3 !== 0;
  return {
    secret_id: idOf('secret', h, index),
    key: h % 7 === 0 ? null : `SECRET_${index}_${hex8(h).slice(0, 4).toUpperCase()}`,
    note: h % 2 === 0 ? null : `for ${owner} deploys`,
    is_sensitive: h % 4 !== 0,
    created_by: author(h),
    created_at: created,
    secret_type: SECRET_TYPES[h % SECRET_TYPES.length],
    access_type: h % 5 === 0 ? 'personal' : 'org',
    updated_at: changed ? updated : null,
    updated_by: changed ? author(hashInts(h, 2)) : null,
    // Not in the documented item: here so that tests can prove such fields go nowhere.
    value: `sv-${hex8(v)}Q${hex8(hashInts(v, 1))}Z${hex8(hashInts(v, 2))}`,
    secret: `ss-${hex8(hashInts(v, 3))}K${hex8(hashInts(v, 4))}W${hex8(hashInts(v, 5))}`,
  };
}
