/**
 * Which scope an API key has, from `GET /v3/self`: `org_id` null → enterprise, set → organization.
 * The configured `scope` may insist on one; a contradiction is reported, never papered over.
 */
import type { DevinClient, RequestCounter } from './client.js';
import type { Scope } from './endpoints.js';
import { SELF_PATH } from './endpoints.js';
import { ApiStatusError, ConnectorError } from './errors.js';

export type ConfiguredScope = 'auto' | 'enterprise' | 'organization';

/** Why a key cannot serve the scope; the codes are the `check` codes of SPEC §7. */
export class ScopeError extends ConnectorError {
  override name = 'ScopeError';
  readonly code: 'invalid_credentials' | 'invalid_permissions';
  constructor(code: ScopeError['code'], message: string) {
    super(message, 'config_error');
    this.code = code;
  }
}

/** One organization id; all-dots ids are refused because a URL parser would resolve them as `.`/`..`. */
const ORG_ID_PATTERN = /^(?!\.+$)[A-Za-z0-9._-]{1,200}$/;

export async function resolveScope(
  client: Pick<DevinClient, 'getJson'>,
  configured: ConfiguredScope,
  counter?: RequestCounter,
): Promise<Scope> {
  let self: unknown;
  try {
    self = await client.getJson({ path: SELF_PATH }, counter);
  } catch (error) {
    if (error instanceof ApiStatusError && error.status === 401) {
      throw new ScopeError('invalid_credentials', 'the Devin API rejected the API key (401 on GET /v3/self): check that it is a current service-user credential (cog_…)');
    }
    if (error instanceof ApiStatusError && error.status === 403) {
      throw new ScopeError(
        'invalid_permissions',
        'the API key may not read GET /v3/self (403): give the service user ReadAccountMeta, or use a v3 service-user key',
      );
    }
    throw error;
  }
  if (typeof self !== 'object' || self === null || !('org_id' in self)) {
    throw new ConnectorError('GET /v3/self returned no org_id field: cannot tell the key\'s scope; set scope explicitly', 'system_error');
  }
  const orgId = (self as { org_id: unknown }).org_id;
  if (orgId === null) {
    if (configured === 'organization') {
      throw new ScopeError(
        'invalid_permissions',
        'scope is "organization" but the API key is enterprise-scoped (GET /v3/self has no org_id): use an organization service-user key, or set scope to "enterprise" or "auto"',
      );
    }
    return { kind: 'enterprise' };
  }
  if (typeof orgId !== 'string' || !ORG_ID_PATTERN.test(orgId)) {
    throw new ScopeError('invalid_permissions', 'GET /v3/self returned an org_id that is not a single organization id: the key must resolve to exactly one organization');
  }
  if (configured === 'enterprise') {
    throw new ScopeError(
      'invalid_permissions',
      `scope is "enterprise" but the API key is scoped to organization ${orgId}: use an enterprise service-user key, or set scope to "organization" or "auto"`,
    );
  }
  return { kind: 'organization', orgId };
}
