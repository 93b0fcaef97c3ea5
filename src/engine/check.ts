/**
 * `check`: can this key read all three streams in its scope? Probes every stream (not just the
 * first) so one answer names every missing permission. The result starts with one of the codes of
 * SPEC §7, followed by ": " and a sentence a person can act on.
 */
import type { ConnectorConfig } from '../config/resolve.js';
import { dayStartSeconds } from '../devin/billing-day.js';
import type { ApiRequest, DevinClient } from '../devin/client.js';
import { describePermission, endpointInfo, endpointPath, type EndpointName, type Scope } from '../devin/endpoints.js';
import { ApiStatusError, ConnectorError, RetriesExhaustedError } from '../devin/errors.js';
import { resolveScope, ScopeError } from '../devin/scope.js';
import { isRecord } from '../json.js';
import { unreadableFamilies } from './check-families.js';

/** Every code a FAILED check message can start with (SPEC §7); the README documents each one. */
export const CHECK_CODES = [
  'invalid_credentials',
  'invalid_permissions',
  'unauthorized',
  'forbidden',
  'no_resources',
  'connection_error',
  'config_error',
] as const;

export type CheckCode = (typeof CHECK_CODES)[number];

export type CheckResult = { status: 'SUCCEEDED'; message: string } | { status: 'FAILED'; code: CheckCode; message: string };

interface Probe {
  endpoint: EndpointName;
  request: ApiRequest;
}

interface ProbeOutcome {
  probe: Probe;
  body?: unknown;
  error?: unknown;
}

export async function runCheck(config: ConnectorConfig, client: Pick<DevinClient, 'getJson'>, today: number): Promise<CheckResult> {
  const host = new URL(config.apiUrl).host;
  let scope: Scope;
  try {
    scope = await resolveScope(client, config.scope);
  } catch (error) {
    if (error instanceof ScopeError) return failed(error.code, error.message);
    return failed('connection_error', unreachable(host, error));
  }

  // Yesterday is a complete billing day: a one-day window is the cheapest probe.
  const day = today - 1;
  const window = [
    ['time_after', dayStartSeconds(day)],
    ['time_before', dayStartSeconds(day + 1)],
  ] as const;
  const probe = (endpoint: EndpointName, request: ApiRequest): Promise<ProbeOutcome> =>
    client.getJson(request).then(
      (body) => ({ probe: { endpoint, request }, body }),
      (error: unknown) => ({ probe: { endpoint, request }, error }),
    );

  const membersProbe = probe('members', { path: endpointPath(scope, 'members'), query: [['first', 1]] });
  const idpProbe = config.includeIdpUsers
    ? probe('idpMembers', { path: endpointPath(scope, 'idpMembers'), query: [['first', 1]] })
    : undefined;
  const prProbe = probe('prMetrics', { path: endpointPath(scope, 'prMetrics'), query: window });
  const members = await membersProbe;
  const firstMember = firstUserId(members.body) ?? firstUserId((await idpProbe)?.body);
  // Consumption is read per member; with no member to hand, the scope-wide total needs the same permission.
  const consumption = await (firstMember
    ? probe('userConsumption', { path: endpointPath(scope, 'userConsumption', firstMember), query: window })
    : probe('scopeConsumption', { path: endpointPath(scope, 'scopeConsumption'), query: window }));
  const outcomes = [members, ...(idpProbe ? [await idpProbe] : []), consumption, await prProbe];

  const refusals = outcomes.filter((o) => o.error instanceof ApiStatusError && (o.error.status === 401 || o.error.status === 403));
  if (refusals.length > 0) {
    const code = refusals.some((o) => (o.error as ApiStatusError).status === 401) ? 'unauthorized' : 'forbidden';
    const missing = refusals.map((o) => {
      const info = endpointInfo(scope, o.probe.endpoint);
      return `${describePermission(info)} for the ${info.label} (${(o.error as ApiStatusError).status} on GET ${info.template})`;
    });
    return failed(code, `the API key is missing ${missing.join('; ')}. Grant these to the service user and check again`);
  }
  const broken = outcomes.find((o) => o.error !== undefined);
  if (broken) return failed('connection_error', unreachable(host, broken.error));
  const idp = idpProbe ? await idpProbe : undefined;
  if (!firstUserId(members.body) && !firstUserId(idp?.body)) {
    const where = scope.kind === 'organization' ? `organization ${scope.orgId}` : 'the enterprise';
    return failed('no_resources', `the API key is valid but ${where} has no members, so there is nothing to import`);
  }
  const scopeText = scope.kind === 'organization' ? `a key scoped to organization ${scope.orgId}` : 'an enterprise-scoped key';
  const unreadable = await unreadableFamilies(client, scope, new Set(outcomes.map((o) => o.probe.endpoint)));
  const others = unreadable.length > 0 ? `; the key cannot read ${unreadable.join('; ')}` : '';
  return { status: 'SUCCEEDED', message: `connected to ${host} with ${scopeText}; members, consumption and PR metrics are readable${others}` };
}

function failed(code: CheckCode, message: string): CheckResult {
  return { status: 'FAILED', code, message: `${code}: ${message}` };
}

function firstUserId(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body.items)) return undefined;
  const first: unknown = body.items[0];
  return isRecord(first) && typeof first.user_id === 'string' ? first.user_id : undefined;
}

function unreachable(host: string, error: unknown): string {
  if (error instanceof RetriesExhaustedError) return `cannot reach the Devin API at ${host}: ${error.message}`;
  if (error instanceof ApiStatusError) {
    return `the server at ${host} is not answering like the Devin API (${error.message}); is api_url right?`;
  }
  if (error instanceof ConnectorError) return `${host}: ${error.message}`;
  return `cannot reach the Devin API at ${host}: ${error instanceof Error ? error.message : String(error)}`;
}
