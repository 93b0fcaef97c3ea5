/**
 * Defaults and validation of SimulatorOptions.
 */
import { DEFAULT_ORGS, defaultKeys } from './keys.js';
import { DEFAULT_KNOWLEDGE_ITEMS } from './knowledge-data.js';
import type {
  FaultRule,
  RateLimitOptions,
  RequestLogEntry,
  SimulatorCompression,
  SimulatorKey,
  SimulatorOptions,
} from './types.js';

export interface ResolvedOptions {
  seed: number;
  members: number;
  days: number;
  now: () => number;
  orgs: string[];
  keys: Record<string, SimulatorKey>;
  maxConsumptionWindowDays: number | null;
  rateLimit: RateLimitOptions | null;
  latencyMs: number;
  faults: FaultRule[];
  port: number;
  logRequests: boolean;
  prTakenOverFields: boolean;
  sessions: number;
  sessionsIgnoreTimeFilters: boolean;
  auditLogs: SimulatorOptions['auditLogs'];
  knowledgeItems: number;
  compression: SimulatorCompression;
  onRequest: ((entry: RequestLogEntry) => void) | undefined;
}

function requireInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`simulator: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const orgs = options.orgs ?? [...DEFAULT_ORGS];
  if (orgs.length === 0) throw new Error('simulator: orgs must not be empty');
  const keys = options.keys ?? defaultKeys(orgs);
  for (const [token, key] of Object.entries(keys)) {
    if (key.scope === 'organization' && !key.orgId) {
      throw new Error(`simulator: organization key ${token} needs an orgId`);
    }
  }
  const maxWindow = options.maxConsumptionWindowDays ?? null;
  return {
    seed: requireInteger('seed', options.seed ?? 42, Number.MIN_SAFE_INTEGER),
    members: requireInteger('members', options.members ?? 50, 0),
    days: requireInteger('days', options.days ?? 60, 1),
    now: options.now ?? Date.now,
    orgs,
    keys,
    maxConsumptionWindowDays: maxWindow === null ? null : requireInteger('maxConsumptionWindowDays', maxWindow, 1),
    rateLimit: options.rateLimit ?? null,
    latencyMs: Math.max(0, options.latencyMs ?? 0),
    faults: options.faults ?? [],
    port: requireInteger('port', options.port ?? 0, 0),
    logRequests: options.logRequests ?? true,
    prTakenOverFields: options.prTakenOverFields ?? true,
    sessions: requireInteger('sessions', options.sessions ?? 200, 0),
    sessionsIgnoreTimeFilters: options.sessionsIgnoreTimeFilters ?? false,
    auditLogs: options.auditLogs,
    knowledgeItems: requireInteger('knowledgeItems', options.knowledgeItems ?? DEFAULT_KNOWLEDGE_ITEMS, 0),
    compression: resolveCompression(options.compression),
    onRequest: options.onRequest,
  };
}

const COMPRESSION_MODES: ReadonlySet<unknown> = new Set(['auto', 'gzip', 'deflate', 'br']);

function resolveCompression(mode: SimulatorCompression | undefined): SimulatorCompression {
  if (mode === undefined || mode === null) return null;
  if (!COMPRESSION_MODES.has(mode)) throw new Error(`simulator: compression must be auto, gzip, deflate or br, got ${String(mode)}`);
  return mode;
}
