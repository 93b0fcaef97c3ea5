/**
 * API shapes of a simulated member: the `User` item of the direct listing and the `IdpGroupUser`
 * item of the idp-users listing. In organization scope, assignments are restricted to that org
 * plus the enterprise-level ones.
 */
import type { IdpRoleAssignment, Role, RoleAssignment, SimulatedMember } from './types.js';

const ROLE_NAMES: Record<string, string> = {
  account_admin: 'Enterprise Admin',
  account_member: 'Enterprise Member',
  org_admin: 'Admin',
  org_member: 'Member',
};

/** Every IdP member inherits enterprise membership through this group. */
export const ENTERPRISE_IDP_GROUP = 'devin-all-users';

export function idpGroupOf(orgId: string): string {
  return `${orgId}-engineering`;
}

function role(roleId: string, roleType: Role['role_type']): Role {
  return { role_id: roleId, role_name: ROLE_NAMES[roleId] ?? roleId, role_type: roleType };
}

function orgsInScope(member: SimulatedMember, scopeOrgId: string | null): string[] {
  return scopeOrgId === null ? member.org_ids : member.org_ids.filter((orgId) => orgId === scopeOrgId);
}

export function isDirect(member: SimulatedMember): boolean {
  return member.listing !== 'idp';
}

export function isIdp(member: SimulatedMember): boolean {
  return member.listing !== 'direct';
}

export function roleAssignmentsOf(member: SimulatedMember, scopeOrgId: string | null): RoleAssignment[] {
  return [
    { org_id: null, role: role(member.enterprise_role_id, 'enterprise') },
    ...orgsInScope(member, scopeOrgId).map((orgId) => ({
      org_id: orgId,
      role: role(member.org_role_ids[orgId] ?? 'org_member', 'org'),
    })),
  ];
}

export function idpRoleAssignmentsOf(member: SimulatedMember, scopeOrgId: string | null): IdpRoleAssignment[] {
  return [
    { idp_group_name: ENTERPRISE_IDP_GROUP, org_id: null, role: role('account_member', 'enterprise') },
    ...orgsInScope(member, scopeOrgId).map((orgId) => ({
      idp_group_name: idpGroupOf(orgId),
      org_id: orgId,
      role: role(member.org_role_ids[orgId] ?? 'org_member', 'org'),
    })),
  ];
}

/** `User` item of `.../members/users`. */
export function directUserView(member: SimulatedMember, scopeOrgId: string | null): Record<string, unknown> {
  return {
    user_id: member.user_id,
    email: member.email,
    name: member.name,
    role_assignments: roleAssignmentsOf(member, scopeOrgId),
  };
}

/** `IdpGroupUser` item of `.../members/idp-users`. */
export function idpUserView(member: SimulatedMember, scopeOrgId: string | null): Record<string, unknown> {
  return {
    user_id: member.user_id,
    email: member.email,
    name: member.name,
    idp_role_assignments: idpRoleAssignmentsOf(member, scopeOrgId),
  };
}
