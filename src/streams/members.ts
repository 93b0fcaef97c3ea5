/**
 * members: everyone in the scope, listed directly (role assignments) and, by default, through IdP
 * groups; one record per user_id. The members directory pages both listings and merges them with the
 * functions below; consumption and per-member PR metrics fan out over the same directory.
 */
import type { MemberRecord } from './records.generated.js';
import { RowTyper, isRecord, type NormalizedRecord } from './normalize.js';
import { loadSchema, type DirectoryDeclaration, type PlanContext, type StreamDeclaration } from './types.js';

export const membersDirectory: DirectoryDeclaration = {
  name: 'members',
  idField: 'user_id',
  itemLabel: 'member',
  // daily_consumption's email.
  partitionFields: ['email'],
  listings: (config) => [
    { name: 'direct', endpoint: 'members' },
    ...(config.includeIdpUsers ? [{ name: 'idp', endpoint: 'idpMembers' } as const] : []),
  ],
  fromItem: (item, listing, ctx) => memberFromItem(item, listing.name === 'idp' ? 'idp' : 'direct', ctx),
  merge: mergeIdpIntoDirect,
};

export const membersStream: StreamDeclaration = {
  name: 'members',
  description: 'Devin members of the scope (direct and IdP-group members), one record per user_id.',
  schema: loadSchema('members'),
  primaryKey: [['user_id']],
  scopes: ['enterprise', 'organization'],
  default: true,
  source: { kind: 'directory', directory: 'members' },
  endpoints: ['members', 'idpMembers'],
};

export type MemberListing = 'direct' | 'idp';

/** A member record from one listing's item, or undefined (and a skip) when it has no user_id. */
export function memberFromItem(item: unknown, listing: MemberListing, ctx: PlanContext): NormalizedRecord | undefined {
  if (!isRecord(item) || typeof item.user_id !== 'string' || item.user_id === '') {
    ctx.skipRow(`a ${listing === 'direct' ? 'member' : 'IdP member'} item without a user_id`);
    return undefined;
  }
  const typer = new RowTyper();
  const data: MemberRecord = {
    user_id: item.user_id,
    email: typer.string(item.email, 'email'),
    name: typer.string(item.name, 'name'),
    // An IdP-only member has no direct roles: [] rather than null, as SPEC §5 asks.
    role_assignments: listing === 'direct' ? assignments(item.role_assignments, 'role_assignments', typer) : [],
    idp_role_assignments: listing === 'idp' ? assignments(item.idp_role_assignments, 'idp_role_assignments', typer) : null,
    org_id: ctx.orgId,
  };
  return typer.record(data);
}

/** The direct listing's fields plus the IdP assignments (SPEC §5). */
export function mergeIdpIntoDirect(direct: NormalizedRecord, idp: NormalizedRecord): NormalizedRecord {
  const data = { ...direct.data, idp_role_assignments: idp.data.idp_role_assignments };
  const changes = [...(direct.changes ?? []), ...(idp.changes ?? []).filter((c) => c.field === 'idp_role_assignments')];
  return changes.length > 0 ? { data, changes } : { data };
}

function assignments(value: unknown, field: string, typer: RowTyper): Array<Record<string, unknown>> | null {
  const items = typer.array(value, field);
  // The parsed array itself when nothing is dropped: filter's copy carries spare capacity (≈ 150 B
  // per member), and the directory holds every member's until the members stream has emitted them.
  return items && (items.every(isRecord) ? (items as Array<Record<string, unknown>>) : items.filter(isRecord));
}
