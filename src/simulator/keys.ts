/**
 * The simulator's default service-user credentials: one per permission situation the connector
 * must handle. The key string is the bearer token.
 */
import type { PermissionGroup, SimulatorKey } from './types.js';

export const DEFAULT_ORGS: readonly string[] = ['org-sim-alpha', 'org-sim-beta'];
/** The org of KEY_ORG_EMPTY: it has no members at all. */
export const EMPTY_ORG_ID = 'org-sim-empty';

export const KEY_ENTERPRISE = 'cog_sim_enterprise';
export const KEY_ORG = 'cog_sim_org';
export const KEY_ORG_BETA = 'cog_sim_org_beta';
export const KEY_ENT_NO_METRICS = 'cog_sim_ent_no_metrics';
export const KEY_ENT_NO_BILLING = 'cog_sim_ent_no_billing';
export const KEY_ENT_ONLY_MEMBERS = 'cog_sim_ent_only_members';
export const KEY_ORG_NO_MEMBERS = 'cog_sim_org_no_members';
export const KEY_SELF_FORBIDDEN = 'cog_sim_self_forbidden';
export const KEY_ORG_EMPTY = 'cog_sim_org_empty';
/** Everything but the sessions family (ViewAccountSessions / ViewOrgSessions). */
export const KEY_ENT_NO_SESSIONS = 'cog_sim_ent_no_sessions';
export const KEY_ORG_NO_SESSIONS = 'cog_sim_org_no_sessions';
/** Everything but the audit log (ManageEnterpriseSettings). */
export const KEY_ENT_NO_AUDIT = 'cog_sim_ent_no_audit';
/** Everything but playbooks and knowledge notes (ManageAccountPlaybooks, ManageAccountKnowledge). */
export const KEY_ENT_NO_KNOWLEDGE = 'cog_sim_ent_no_knowledge';
export const KEY_ORG_NO_KNOWLEDGE = 'cog_sim_org_no_knowledge';
/** Everything but secrets (ManageOrgSecrets). */
export const KEY_ORG_NO_SECRETS = 'cog_sim_org_no_secrets';
/** The groups of playbooks, knowledge notes and secrets, which every "no X" key above holds. */
const KNOWLEDGE: PermissionGroup[] = ['playbooks', 'knowledge', 'secrets'];

/** The default key table for a given org list (organization keys point at orgs[0] / orgs[1]). */
export function defaultKeys(orgs: readonly string[]): Record<string, SimulatorKey> {
  const first = orgs[0] ?? DEFAULT_ORGS[0]!;
  const second = orgs[1] ?? first;
  return {
    [KEY_ENTERPRISE]: { scope: 'enterprise', permissions: 'all' },
    [KEY_ORG]: { scope: 'organization', orgId: first, permissions: 'all' },
    [KEY_ORG_BETA]: { scope: 'organization', orgId: second, permissions: 'all' },
    // Each "no X" key lacks only X (so they hold the sessions permission too).
    [KEY_ENT_NO_METRICS]: { scope: 'enterprise', permissions: ['membership', 'consumption', 'sessions', 'organizations', 'audit', ...KNOWLEDGE] },
    [KEY_ENT_NO_BILLING]: { scope: 'enterprise', permissions: ['membership', 'metrics', 'sessions', 'organizations', 'audit', ...KNOWLEDGE] },
    [KEY_ENT_ONLY_MEMBERS]: { scope: 'enterprise', permissions: ['membership'] },
    [KEY_ORG_NO_MEMBERS]: { scope: 'organization', orgId: first, permissions: ['consumption', 'metrics', 'sessions', ...KNOWLEDGE] },
    [KEY_SELF_FORBIDDEN]: { scope: 'enterprise', permissions: 'all', selfStatus: 403 },
    [KEY_ORG_EMPTY]: { scope: 'organization', orgId: EMPTY_ORG_ID, permissions: 'all' },
    [KEY_ENT_NO_SESSIONS]: { scope: 'enterprise', permissions: ['membership', 'consumption', 'metrics', 'organizations', 'audit', ...KNOWLEDGE] },
    [KEY_ENT_NO_AUDIT]: { scope: 'enterprise', permissions: ['membership', 'consumption', 'metrics', 'sessions', 'organizations', ...KNOWLEDGE] },
    [KEY_ORG_NO_SESSIONS]: { scope: 'organization', orgId: first, permissions: ['membership', 'consumption', 'metrics', ...KNOWLEDGE] },
    [KEY_ENT_NO_KNOWLEDGE]: { scope: 'enterprise', permissions: ['membership', 'consumption', 'metrics', 'sessions', 'organizations', 'audit'] },
    [KEY_ORG_NO_KNOWLEDGE]: { scope: 'organization', orgId: first, permissions: ['membership', 'consumption', 'metrics', 'sessions', 'secrets'] },
    [KEY_ORG_NO_SECRETS]: { scope: 'organization', orgId: first, permissions: ['membership', 'consumption', 'metrics', 'sessions', 'playbooks', 'knowledge'] },
  };
}

export const DEFAULT_KEYS: Readonly<Record<string, SimulatorKey>> = Object.freeze(defaultKeys(DEFAULT_ORGS));

export function hasPermission(key: SimulatorKey, permission: PermissionGroup): boolean {
  return key.permissions === 'all' || key.permissions.includes(permission);
}

/** Devin's permission names, per scope of the path being called. */
export const PERMISSION_NAMES: Record<'enterprise' | 'organization', Record<PermissionGroup, string>> = {
  enterprise: {
    membership: 'ViewAccountMembership',
    consumption: 'ViewAccountConsumption',
    metrics: 'ViewAccountMetrics',
    sessions: 'ViewAccountSessions',
    organizations: 'ManageOrganizations',
    audit: 'ManageEnterpriseSettings',
    playbooks: 'ManageAccountPlaybooks',
    knowledge: 'ManageAccountKnowledge',
    secrets: 'ManageOrgSecrets',
  },
  organization: {
    membership: 'ViewOrgMembership',
    consumption: 'ManageBilling',
    metrics: 'ViewOrgMetrics',
    sessions: 'ViewOrgSessions',
    organizations: 'ManageOrganizations',
    audit: 'ManageEnterpriseSettings',
    playbooks: 'ManageAccountPlaybooks',
    knowledge: 'ManageAccountKnowledge',
    secrets: 'ManageOrgSecrets',
  },
};
