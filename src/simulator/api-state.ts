/**
 * What the endpoint handlers read: the data set plus the settings a test may change while the
 * simulator runs (hence a mutable object passed in, not module state).
 */
import type { SimulatedDataSet } from './data-set.js';
import type { Query } from './query-params.js';
import type { RouteMatch } from './routes.js';
import type { SimulatorKey } from './types.js';

export interface ApiState {
  seed: number;
  data: SimulatedDataSet;
  keys: Readonly<Record<string, SimulatorKey>>;
  /** Orgs that exist: the configured ones plus those named by keys (e.g. the empty org). */
  knownOrgs: ReadonlySet<string>;
  maxConsumptionWindowDays: number | null;
  prTakenOverFields: boolean;
  /** The sessions and insights lists ignore updated_* / created_* (SPEC §12). */
  sessionsIgnoreTimeFilters: boolean;
}

/** An authenticated, authorised request on its way to an endpoint handler. */
export interface EndpointRequest {
  match: RouteMatch;
  query: Query;
  /** The request path as received, for ProblemDetail `instance`. */
  instance: string;
  token: string;
  key: SimulatorKey;
  /** The org whose data is served (named in the path), or null for the whole enterprise. */
  scopeOrgId: string | null;
}
