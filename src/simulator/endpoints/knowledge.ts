/**
 * Playbooks and knowledge notes (enterprise and organization paths) and secrets (organization
 * paths only: no enterprise list is documented), cursor-paginated in listing order.
 */
import type { ApiResponse } from '../api-response.js';
import type { ApiState, EndpointRequest } from '../api-state.js';
import { pagedList } from './directory-listings.js';

export type KnowledgeFamily = 'playbooks' | 'notes' | 'secrets';

export function handleKnowledge(request: EndpointRequest, state: ApiState, family: KnowledgeFamily): ApiResponse {
  const { knowledge } = state.data;
  const scope = request.scopeOrgId;
  const items =
    family === 'playbooks' ? knowledge.playbooks(scope) : family === 'notes' ? knowledge.notes(scope) : knowledge.secrets(scope ?? '');
  return pagedList(request, state, family, items);
}
