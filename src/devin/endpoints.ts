/**
 * The Devin endpoints we call, per scope, with the permission each one needs. Paths are data; the
 * only code is the encoding of path parameters (user ids contain `|`, and may contain `/ ? # ..`).
 * Permission names differ between doc builds, so both spellings are listed (newest first).
 */

export type Scope = { kind: 'enterprise' } | { kind: 'organization'; orgId: string };

export type EndpointName =
  | 'members'
  | 'idpMembers'
  | 'userConsumption'
  | 'scopeConsumption'
  | 'prMetrics'
  | 'dailyActiveUsers'
  | 'weeklyActiveUsers'
  | 'monthlyActiveUsers'
  | 'sessions'
  | 'sessionInsights'
  | 'sessionMessages'
  | 'playbooks'
  | 'knowledgeNotes'
  | EnterpriseOnlyEndpoint
  | OrganizationOnlyEndpoint;

/** Endpoints documented for organization keys only (devin-api-v3-more.md §5.3: no enterprise secrets list). */
export type OrganizationOnlyEndpoint = 'secrets';

/** Endpoints documented for enterprise keys only (no organization-scoped path exists). */
export type EnterpriseOnlyEndpoint =
  | 'organizations'
  | 'serviceUsers'
  | 'organizationConsumption'
  | 'serviceUserConsumption'
  | 'consumptionCycles'
  | 'auditLogs';

export interface EndpointInfo {
  /** Path template; `{org_id}` (the scope's org) and one partition id (`{user_id}`, …) are filled in encoded. */
  template: string;
  /** The permission the key needs, with the older documented name after it. */
  permission: readonly string[];
  /** What a person calls this data, for messages. */
  label: string;
  /** Where the second permission name is from, when not an older doc build. */
  otherSpellingIn?: string;
}

export const SELF_PATH = '/v3/self';

export interface EndpointMap {
  enterprise: Record<Exclude<EndpointName, OrganizationOnlyEndpoint>, EndpointInfo> & Partial<Record<OrganizationOnlyEndpoint, EndpointInfo>>;
  organization: Record<Exclude<EndpointName, EnterpriseOnlyEndpoint>, EndpointInfo> & Partial<Record<EnterpriseOnlyEndpoint, EndpointInfo>>;
}

export const ENDPOINTS: EndpointMap = {
  enterprise: {
    members: {
      template: '/v3/enterprise/members/users',
      permission: ['ViewAccountMembership', 'ManageAccountMembership'],
      label: 'member list',
    },
    idpMembers: {
      template: '/v3/enterprise/members/idp-users',
      permission: ['ViewAccountMembership', 'ManageAccountMembership'],
      label: 'IdP-group member list',
    },
    userConsumption: {
      template: '/v3/enterprise/consumption/daily/users/{user_id}',
      permission: ['ViewAccountConsumption', 'ManageBilling'],
      label: 'daily consumption',
    },
    scopeConsumption: {
      template: '/v3/enterprise/consumption/daily',
      permission: ['ViewAccountConsumption', 'ManageBilling'],
      label: 'daily consumption',
    },
    prMetrics: {
      template: '/v3/enterprise/metrics/prs',
      permission: ['ViewAccountMetrics'],
      label: 'PR metrics',
    },
    dailyActiveUsers: { template: '/v3/enterprise/metrics/dau', permission: ['ViewAccountMetrics'], label: 'daily active users' },
    weeklyActiveUsers: { template: '/v3/enterprise/metrics/wau', permission: ['ViewAccountMetrics'], label: 'weekly active users' },
    monthlyActiveUsers: { template: '/v3/enterprise/metrics/mau', permission: ['ViewAccountMetrics'], label: 'monthly active users' },
    sessions: {
      template: '/v3/enterprise/sessions',
      permission: ['ViewAccountSessions', 'ViewOrgSessions'],
      label: 'session list',
    },
    sessionInsights: {
      template: '/v3/enterprise/sessions/insights',
      permission: ['ViewAccountSessions', 'ViewOrgSessions'],
      label: 'session insights',
    },
    sessionMessages: {
      template: '/v3/enterprise/sessions/{session_id}/messages',
      permission: ['ViewAccountSessions', 'ViewOrgSessions'],
      label: 'session messages',
    },
    organizations: {
      template: '/v3/enterprise/organizations',
      permission: ['ManageOrganizations'],
      label: 'organization list',
    },
    serviceUsers: {
      template: '/v3/enterprise/members/service-users',
      permission: ['ViewAccountMembership', 'ManageAccountMembership'],
      label: 'service-user list',
    },
    organizationConsumption: {
      template: '/v3/enterprise/consumption/daily/organizations/{organization_id}',
      permission: ['ViewAccountConsumption', 'ManageBilling'],
      label: 'daily consumption per organization',
    },
    serviceUserConsumption: {
      template: '/v3/enterprise/consumption/daily/service-users/{service_user_id}',
      permission: ['ViewAccountConsumption', 'ManageBilling'],
      label: 'daily consumption per service user',
    },
    consumptionCycles: {
      template: '/v3/enterprise/consumption/cycles',
      permission: ['ViewAccountConsumption', 'ManageBilling'],
      label: 'billing cycles',
    },
    // The documented permission; a third-party permissions table calls it ViewAccountAuditLogs.
    auditLogs: {
      template: '/v3/enterprise/audit-logs',
      permission: ['ManageEnterpriseSettings', 'ViewAccountAuditLogs'],
      label: 'audit log',
      otherSpellingIn: 'a third-party permissions table',
    },
    // devin-api-v3-more.md §5.1, §5.2: enterprise-wide items (org_id null) and every organization's.
    playbooks: { template: '/v3/enterprise/playbooks', permission: ['ManageAccountPlaybooks'], label: 'playbook list' },
    knowledgeNotes: { template: '/v3/enterprise/knowledge/notes', permission: ['ManageAccountKnowledge'], label: 'knowledge note list' },
  },
  organization: {
    // The org-scoped member listings are documented only under /v3beta1 (not promoted to /v3).
    members: {
      template: '/v3beta1/organizations/{org_id}/members/users',
      permission: ['ViewOrgMembership'],
      label: 'member list',
    },
    idpMembers: {
      template: '/v3beta1/organizations/{org_id}/members/idp-users',
      permission: ['ViewOrgMembership'],
      label: 'IdP-group member list',
    },
    userConsumption: {
      template: '/v3/organizations/{org_id}/consumption/daily/users/{user_id}',
      permission: ['ManageBilling'],
      label: 'daily consumption',
    },
    scopeConsumption: {
      template: '/v3/organizations/{org_id}/consumption/daily',
      permission: ['ManageBilling'],
      label: 'daily consumption',
    },
    prMetrics: {
      template: '/v3/organizations/{org_id}/metrics/prs',
      permission: ['ViewOrgMetrics', 'ViewAccountMetrics'],
      label: 'PR metrics',
    },
    dailyActiveUsers: { template: '/v3/organizations/{org_id}/metrics/dau', permission: ['ViewOrgMetrics', 'ViewAccountMetrics'], label: 'daily active users' },
    weeklyActiveUsers: { template: '/v3/organizations/{org_id}/metrics/wau', permission: ['ViewOrgMetrics', 'ViewAccountMetrics'], label: 'weekly active users' },
    monthlyActiveUsers: { template: '/v3/organizations/{org_id}/metrics/mau', permission: ['ViewOrgMetrics', 'ViewAccountMetrics'], label: 'monthly active users' },
    sessions: {
      template: '/v3/organizations/{org_id}/sessions',
      permission: ['ViewOrgSessions'],
      label: 'session list',
    },
    sessionInsights: {
      template: '/v3/organizations/{org_id}/sessions/insights',
      permission: ['ViewOrgSessions'],
      label: 'session insights',
    },
    sessionMessages: {
      template: '/v3/organizations/{org_id}/sessions/{session_id}/messages',
      permission: ['ViewOrgSessions'],
      label: 'session messages',
    },
    // §5.1–§5.3. The organization list pages say ManageAccountPlaybooks / ManageAccountKnowledge "for the
    // specified organization"; Airbyte's connector docs call them ManageOrgPlaybooks / ManageOrgKnowledge
    // (and the newer single-note page, not the list, says ManageKnowledge).
    playbooks: { template: '/v3/organizations/{org_id}/playbooks', permission: ['ManageAccountPlaybooks', 'ManageOrgPlaybooks'], label: 'playbook list' },
    knowledgeNotes: { template: '/v3/organizations/{org_id}/knowledge/notes', permission: ['ManageAccountKnowledge', 'ManageOrgKnowledge'], label: 'knowledge note list' },
    secrets: { template: '/v3/organizations/{org_id}/secrets', permission: ['ManageOrgSecrets'], label: 'secret list (metadata)' },
  },
};

export function endpointInfo(scope: Scope, name: EndpointName): EndpointInfo {
  const info = (ENDPOINTS[scope.kind] as Partial<Record<EndpointName, EndpointInfo>>)[name];
  if (!info) throw new Error(`the ${name} endpoint has no ${scope.kind}-scoped path`);
  return info;
}

/** "ViewAccountConsumption (ManageBilling in older docs)". */
export function describePermission(info: EndpointInfo): string {
  const [current, older] = info.permission;
  return older ? `${current} (${older} in ${info.otherSpellingIn ?? 'older docs'})` : String(current);
}

/**
 * Encodes one path segment. encodeURIComponent leaves `.` alone, so a whole segment of `.` or `..`
 * would be normalised away by a proxy: encode those dots too.
 */
export function encodePathSegment(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded === '.' || encoded === '..' ? encoded.replace(/\./g, '%2E') : encoded;
}

/**
 * The request path of an endpoint for a scope, with the item id (`user_id`, `session_id`, …) when the
 * endpoint takes one: exactly as the API gave it, as one encoded segment.
 */
export function endpointPath(scope: Scope, name: EndpointName, itemId?: string): string {
  const { template } = endpointInfo(scope, name);
  return template.replace(/\{(\w+)\}/g, (_, param: string) => {
    if (param === 'org_id') {
      if (scope.kind !== 'organization') throw new Error(`${template} needs an organization scope`);
      return encodePathSegment(scope.orgId);
    }
    if (itemId === undefined) throw new Error(`${template} needs a ${param}`);
    return encodePathSegment(itemId);
  });
}

/** Which endpoint of the scope a request path belongs to (for messages about a failed request). */
export function endpointForPath(scope: Scope, path: string): EndpointInfo | undefined {
  return Object.values(ENDPOINTS[scope.kind]).find((info) => {
    const pattern = info.template.replace(/\{\w+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(path);
  });
}

/** A sentence naming what a 401/403 on `path` means for this scope. */
export function describeAuthFailure(scope: Scope, path: string, status: number): string {
  const info = endpointForPath(scope, path);
  if (status === 401) {
    return `the Devin API rejected the API key (401 on GET ${path}): check that the key is current`;
  }
  if (!info) return `the API key may not read GET ${path} (403)`;
  return `the API key lacks ${describePermission(info)}, needed for the ${info.label} (403 on GET ${path})`;
}
