/**
 * `GET /v3/self`: who the credential is. `org_id` is null for enterprise service users.
 */
import { hashString, hex8 } from '../hash.js';
import { jsonResponse, problem, type ApiResponse } from '../api-response.js';
import type { EndpointRequest } from '../api-state.js';

export function handleSelf(request: EndpointRequest): ApiResponse {
  if (request.key.selfStatus === 401) {
    return problem(401, 'Invalid or expired service user credential', request.instance);
  }
  if (request.key.selfStatus === 403) {
    return problem(403, 'Service user lacks required permission: ReadAccountMeta', request.instance);
  }
  return jsonResponse(
    {
      principal_type: 'service_user',
      service_user_id: `service-user-${hex8(hashString(request.token))}`,
      service_user_name: `Simulated ${request.key.scope} reader`,
      org_id: request.key.scope === 'organization' ? (request.key.orgId ?? null) : null,
    },
    'self',
  );
}
