/**
 * `check` beyond the three DX streams (SPEC §7): one request for each other list endpoint the
 * declarations of the scope use, and, for a key that may not read some, which streams those are
 * and the permission each needs. Derived from the declarations, so a new stream is probed without
 * touching `check`.
 */
import type { DevinClient } from '../devin/client.js';
import { describePermission, endpointInfo, endpointPath, type EndpointName, type Scope } from '../devin/endpoints.js';
import { ApiStatusError } from '../devin/errors.js';
import { streamsOfScope } from '../streams/index.js';

/** "sessions, session_insights: missing ViewOrgSessions" per refused permission, or [] when all are readable. */
export async function unreadableFamilies(
  client: Pick<DevinClient, 'getJson'>,
  scope: Scope,
  probed: ReadonlySet<EndpointName>,
): Promise<string[]> {
  const streams = streamsOfScope(scope.kind);
  const permissionOf = (endpoint: EndpointName): string => describePermission(endpointInfo(scope, endpoint));
  // One list per permission not probed yet: endpoints that share a permission answer alike.
  const known = new Set([...probed].map(permissionOf));
  const toProbe = new Map<string, EndpointName>();
  for (const endpoint of new Set(streams.flatMap((stream) => stream.endpoints))) {
    const permission = permissionOf(endpoint);
    // Only lists that need no item id (an item's listing shares its list's permission).
    if (known.has(permission) || toProbe.has(permission) || /\{(user_id|session_id)\}/.test(endpointInfo(scope, endpoint).template)) continue;
    toProbe.set(permission, endpoint);
  }
  const refused = new Set<string>();
  await Promise.all(
    [...toProbe].map(async ([permission, endpoint]) => {
      try {
        await client.getJson({ path: endpointPath(scope, endpoint), query: [['first', 1]] });
      } catch (error) {
        // Anything but a refusal (a 5xx, a timeout) is not a permission to report; read will say more.
        if (error instanceof ApiStatusError && (error.status === 401 || error.status === 403)) refused.add(permission);
      }
    }),
  );
  const byPermission = new Map<string, string[]>();
  for (const permission of refused) {
    byPermission.set(permission, streams.filter((stream) => stream.endpoints.some((e) => permissionOf(e) === permission)).map((s) => s.name).sort());
  }
  return [...byPermission].map(([permission, names]) => `${names.join(', ')}: missing ${permission}`).sort();
}
