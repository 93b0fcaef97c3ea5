/**
 * startSimulator: the loopback HTTP server that puts the simulated Devin API v3 together.
 *
 * Per request: log → latency → token bucket → route/handle → fault → write. Every piece of state
 * belongs to one simulator instance, so tests can run many side by side.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { answerRequest, bearerToken } from './api-router.js';
import { problem, type ApiResponse } from './api-response.js';
import { SimulatedDataSet } from './data-set.js';
import { FaultInjector } from './fault-injector.js';
import { faultResponse } from './fault-responses.js';
import { compressWire } from './compression.js';
import { computeGroundTruth } from './ground-truth.js';
import { writeWire } from './http-writer.js';
import { resolveOptions } from './options.js';
import { parseRequestTarget } from './request-target.js';
import { sleep } from './timers.js';
import { rateLimitRetryAfter, TokenBucket } from './token-bucket.js';
import { serialise, type WireResponse } from './wire-response.js';
import type { ApiState } from './api-state.js';
import type { RequestLogEntry, Simulator, SimulatorOptions } from './types.js';

export const SIMULATOR_HOST = '127.0.0.1';

function headersAsReceived(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const settings = resolveOptions(options);
  const data = new SimulatedDataSet({
    seed: settings.seed,
    members: settings.members,
    days: settings.days,
    orgs: settings.orgs,
    now: settings.now,
    sessions: settings.sessions,
    auditLogs: settings.auditLogs,
    knowledgeItems: settings.knowledgeItems,
  });
  const knownOrgs = new Set(settings.orgs);
  for (const key of Object.values(settings.keys)) if (key.orgId !== undefined) knownOrgs.add(key.orgId);
  const state: ApiState = {
    seed: settings.seed,
    data,
    keys: settings.keys,
    knownOrgs,
    maxConsumptionWindowDays: settings.maxConsumptionWindowDays,
    prTakenOverFields: settings.prTakenOverFields,
    sessionsIgnoreTimeFilters: settings.sessionsIgnoreTimeFilters,
  };

  const faults = new FaultInjector(settings.seed, settings.faults);
  // Real time unless the caller passes a clock (tests replaying a run in virtual time).
  const timers = options.timers;
  const monotonicMs = timers ? (): number => timers.now() : (): number => performance.now();
  const wallMs = timers ? (): number => timers.now() : Date.now;
  const wait = (ms: number, entry: RequestLogEntry): Promise<void> =>
    timers && ms > 0 ? timers.sleep(ms, entry) : sleep(ms);
  let bucket = settings.rateLimit === null ? null : new TokenBucket(settings.rateLimit, monotonicMs);
  let latencyMs = settings.latencyMs;
  let compression = settings.compression;
  const requests: RequestLogEntry[] = [];
  let requestCount = 0;
  const byStatus: Record<number, number> = {};
  let baseUrl = '';

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const target = parseRequestTarget(rawUrl);
    const token = bearerToken(req.headers.authorization);
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      rawUrl,
      path: target.path,
      pathSegments: target.pathSegments,
      query: target.query,
      headers: headersAsReceived(req.headers),
      status: 0,
      receivedAt: wallMs(),
    };
    if (token !== undefined) entry.key = token;
    requestCount++;
    if (settings.logRequests) requests.push(entry);
    req.resume(); // bodies are ignored, but must be drained for keep-alive

    await wait(latencyMs, entry);

    const instance = rawUrl.split('?')[0] ?? rawUrl;
    let wire: WireResponse;
    const limiter = bucket;
    const ticket = limiter?.take();
    if (limiter && ticket && !ticket.allowed) {
      const headers = rateLimitRetryAfter(limiter.retryAfter, ticket.waitMs, wallMs());
      wire = serialise(problem(429, 'Rate limit exceeded, retry later', instance, headers));
      entry.fault = 'rate-limit';
    } else {
      const response: ApiResponse = target.decodable
        ? answerRequest(
            { method: entry.method, pathSegments: target.pathSegments, query: target.query, instance, token },
            state,
          )
        : problem(404, 'Not Found', instance);
      const rule = faults.pick(target.path, response);
      if (rule === undefined) {
        wire = serialise(response);
      } else {
        wire = faultResponse(rule, response, { token, rawUrl, baseUrl, instance });
        entry.fault = rule.kind;
      }
    }

    wire = compressWire(wire, compression, req.headers['accept-encoding']);
    if (wire.headers['content-encoding'] !== undefined) entry.contentEncoding = wire.headers['content-encoding'];
    if (wire.delayMs !== undefined) await wait(wire.delayMs, entry);
    writeWire(res, wire);
    entry.status = wire.status;
    byStatus[wire.status] = (byStatus[wire.status] ?? 0) + 1;
    settings.onRequest?.(entry);
  }

  const server = createServer((req, res) => {
    res.on('error', () => undefined); // a client that went away is not our failure
    respond(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        writeWire(res, serialise(problem(500, `simulator bug: ${String(error)}`, req.url ?? '/')));
      } else {
        res.destroy();
      }
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, SIMULATOR_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  baseUrl = `http://${SIMULATOR_HOST}:${port}`;

  let closing: Promise<void> | undefined;

  return {
    url: baseUrl,
    port,
    requests,
    clearRequests() {
      requests.length = 0;
    },
    setFaults(rules) {
      faults.setRules(rules);
    },
    setRateLimit(limit) {
      bucket = limit == null ? null : new TokenBucket(limit, monotonicMs);
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    setMaxConsumptionWindowDays(days) {
      state.maxConsumptionWindowDays = days;
    },
    setSessionsIgnoreTimeFilters(ignore) {
      state.sessionsIgnoreTimeFilters = ignore;
    },
    setCompression(mode) {
      compression = mode;
    },
    data,
    groundTruth(query) {
      return computeGroundTruth({ data, keys: settings.keys, prTakenOverFields: settings.prTakenOverFields }, query);
    },
    stats() {
      return { requests: requestCount, byStatus: { ...byStatus } };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
