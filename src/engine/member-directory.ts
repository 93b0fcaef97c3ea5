/**
 * The members of the scope, loaded once per read and shared by every stream that needs them: the
 * members stream emits them; consumption and per-member PR metrics fan out over them. Direct and
 * IdP listings are paged concurrently, merged on user_id (direct fields + IdP assignments) and
 * sorted by user_id, so checkpoints can say "every member up to X is done".
 */
import type { DevinClient, RequestCounter } from '../devin/client.js';
import { endpointPath, type Scope } from '../devin/endpoints.js';
import { paginate } from '../devin/pagination.js';
import { memberFromItem, mergeIdpIntoDirect, type MemberListing } from '../streams/members.js';
import type { NormalizedRecord } from '../streams/normalize.js';
import type { MemberRef, PlanContext } from '../streams/types.js';
import { SkipLog } from './skips.js';

export interface MemberDirectoryOptions {
  client: Pick<DevinClient, 'getJson'>;
  scope: Scope;
  includeIdpUsers: boolean;
}

export class MemberDirectory {
  readonly counter: RequestCounter = { requests: 0 };
  readonly skips = new SkipLog();
  private loading: Promise<NormalizedRecord[]> | undefined;

  constructor(private readonly options: MemberDirectoryOptions) {}

  /** Every member record, sorted by user_id; the API is asked once however often this is called. */
  records(): Promise<NormalizedRecord[]> {
    this.loading ??= this.load();
    return this.loading;
  }

  /** The fan-out view: user_id and email, in user_id order. */
  async refs(): Promise<MemberRef[]> {
    return (await this.records()).map(({ data }) => ({
      user_id: data.user_id as string,
      email: (data.email as string | null | undefined) ?? null,
    }));
  }

  private async load(): Promise<NormalizedRecord[]> {
    const { includeIdpUsers } = this.options;
    const [direct, idp] = await Promise.all([
      this.list('direct'),
      includeIdpUsers ? this.list('idp') : Promise.resolve(new Map<string, NormalizedRecord>()),
    ]);
    for (const [userId, idpMember] of idp) {
      const directMember = direct.get(userId);
      direct.set(userId, directMember ? mergeIdpIntoDirect(directMember, idpMember) : idpMember);
    }
    // Code-unit order (not locale order): stable across machines, and what `<` compares.
    return [...direct.values()].sort((a, b) => compareIds(a.data.user_id as string, b.data.user_id as string));
  }

  private async list(listing: MemberListing): Promise<Map<string, NormalizedRecord>> {
    const { client, scope } = this.options;
    const ctx: PlanContext = {
      scope,
      orgId: scope.kind === 'organization' ? scope.orgId : null,
      skipRow: (reason) => this.skips.add(reason),
    };
    const members = new Map<string, NormalizedRecord>();
    const path = endpointPath(scope, listing === 'direct' ? 'members' : 'idpMembers');
    for await (const page of paginate(client, { path }, this.counter)) {
      for (const item of page.items) {
        const member = memberFromItem(item, listing, ctx);
        if (!member) continue;
        const userId = member.data.user_id as string;
        // A user on two pages (the list shifted while we paged) is still one member.
        if (members.has(userId)) this.skips.add(`a ${listing} member listed twice`);
        else members.set(userId, member);
      }
    }
    return members;
  }
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
