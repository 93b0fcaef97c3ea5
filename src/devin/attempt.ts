/**
 * One HTTP attempt of the client: a ticket from the limiter, the request under its deadline, the
 * answer's body, and its classification: a JSON document, a redirect to follow, something worth
 * retrying, or (thrown) an error that no retry can fix. The retry loop around it is in ./client.ts.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { AbortedError, ApiStatusError, ConnectorError } from './errors.js';
import { describeBody, readErrorBody } from './error-body.js';
import type { AdaptiveLimiter, RateLimitVerdict, RequestOutcome } from './limiter.js';
import { isRetryableStatus, parseRetryAfter } from './retry.js';
import { BodyDecodeError, parseJsonBody, readBody, type BodyLimits } from './response-body.js';
import { networkFailure, type NetworkFailure } from './transport.js';

/** Where one attempt goes: the origin, and the path exactly as it is put on the wire. */
export interface Target {
  origin: string;
  /** Path + query, already percent-encoded; never re-parsed (see DevinClient.requestPath). */
  path: string;
  /** The path for messages and metrics: no query, and redacted when the server chose it (a redirect). */
  shown: string;
}

/** What an answer (or its absence) means; fatal problems are thrown instead. */
type Classified =
  | { kind: 'json'; value: unknown }
  | { kind: 'redirect'; location: string | string[] | undefined }
  | { kind: 'retry'; problem: string; network?: NetworkFailure | undefined; retryAfterMs?: number | undefined };

/** What one attempt came to: `status` 0 = no answer; the limiter's verdict on it. */
export type AttemptResult = Classified & { status: number; verdict: RateLimitVerdict | undefined };

/** What the limiter and the metrics hear about an attempt, filled in as it goes. */
interface Seen {
  outcome: RequestOutcome;
  status: number;
}

export interface AttemptDeps {
  dispatcher: Dispatcher;
  headers: Record<string, string>;
  limiter: AdaptiveLimiter;
  /** The per-attempt deadline, on the `after` clock. */
  requestTimeoutMs: number;
  /** undici's headers/body timeouts: the deadline in real time; 0 (off) under an injected clock. */
  undiciTimeoutMs: number;
  after: (ms: number, fn: () => void) => () => void;
  bodyLimits: BodyLimits;
  now: () => number;
  signal: AbortSignal | undefined;
  onAttempt: ((attempt: { path: string; status: number; durationMs: number }) => void) | undefined;
  /** Server text made fit for a message (redacted, then clipped). */
  clean: (text: string) => string;
  /** The error for a proxy that answers 407. */
  proxyAuthError: () => ConnectorError;
}

/**
 * Aborts one attempt: an EventEmitter, which undici accepts as a request `signal`. Not an
 * AbortController: Node's AbortSignal (an EventTarget) costs several times more to make, and at
 * thousands of requests per second they outlive the young generation and are promoted en masse
 * (measured in bench/: +60 MB of old space and +0.5 s CPU over a 50,000-request read; BENCHMARKS.md).
 */
class AttemptAbort extends EventEmitter {
  aborted = false;
  reason: unknown;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

export class HttpAttempts {
  /** True once the host (not a proxy) has answered anything: from then on, a failed connect is a blip. */
  reached = false;
  /** Attempts in flight, aborted together when the caller's signal fires (one listener, not one each). */
  private readonly inFlight = new Set<AttemptAbort>();

  constructor(private readonly deps: AttemptDeps) {}

  abortAll(): void {
    for (const controller of this.inFlight) controller.abort(new AbortedError());
  }

  /** One GET of `target`; `apiPath` is the endpoint path errors carry. */
  async run(target: Target, apiPath: string, counter?: { requests: number }): Promise<AttemptResult> {
    const { deps } = this;
    const ticket = await deps.limiter.acquire();
    const started = performance.now();
    const seen: Seen = { outcome: 'failure', status: 0 };
    const controller = new AttemptAbort();
    let timedOut = false;
    const cancelDeadline = deps.after(deps.requestTimeoutMs, () => {
      timedOut = true;
      controller.abort(new Error('request timeout'));
    });
    this.inFlight.add(controller);
    let classified: Classified;
    let verdict: RateLimitVerdict | undefined;
    try {
      if (deps.signal?.aborted) throw new AbortedError();
      if (counter) counter.requests += 1;
      const response = await deps.dispatcher.request({
        origin: target.origin,
        path: target.path,
        method: 'GET',
        headers: deps.headers,
        headersTimeout: deps.undiciTimeoutMs,
        bodyTimeout: deps.undiciTimeoutMs,
        signal: controller,
      });
      this.reached = true;
      seen.status = response.statusCode;
      classified = await this.classify(response, target.shown, apiPath, seen);
    } catch (error) {
      classified = this.failure(error, timedOut);
    } finally {
      cancelDeadline();
      this.inFlight.delete(controller);
      verdict = deps.limiter.release(seen.outcome, ticket);
      deps.onAttempt?.({ path: target.shown, status: seen.status, durationMs: performance.now() - started });
    }
    return { ...classified, status: seen.status, verdict };
  }

  private async classify(response: Dispatcher.ResponseData, shown: string, apiPath: string, seen: Seen): Promise<Classified> {
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      const what = `GET ${shown}`;
      const parsed = parseJsonBody(await readBody(response, this.deps.bodyLimits.maxBytes, what), this.deps.bodyLimits, what);
      if (!parsed.ok) {
        // A 200 whose body is not JSON: a proxy truncated it, or an error page slipped through.
        return { kind: 'retry', problem: `HTTP ${status} with a body that is not valid JSON (${describeBody(parsed.text)})` };
      }
      seen.outcome = 'success';
      return { kind: 'json', value: parsed.value };
    }
    if (status >= 300 && status < 400) {
      await response.body.dump();
      seen.outcome = 'success';
      return { kind: 'redirect', location: response.headers.location };
    }
    const body = await readErrorBody(response);
    const detail = body.detail === undefined ? undefined : this.deps.clean(body.detail);
    if (!isRetryableStatus(status)) {
      seen.outcome = 'success'; // the API is healthy; the request is wrong
      throw new ApiStatusError(`HTTP ${status} on GET ${shown}${detail ? `: ${detail}` : ''}`, status, apiPath, detail);
    }
    if (status === 429) seen.outcome = 'rate_limited';
    return {
      kind: 'retry',
      problem: status === 429 ? 'HTTP 429 Too Many Requests' : `HTTP ${status}${detail ? `: ${detail}` : ''}`,
      retryAfterMs: parseRetryAfter(response.headers['retry-after'], this.deps.now()),
    };
  }

  /** A thrown problem: retried when it is the network's or the body's, else thrown on. */
  private failure(error: unknown, timedOut: boolean): Classified {
    if (error instanceof ConnectorError) throw error;
    if (this.deps.signal?.aborted) throw new AbortedError();
    if (error instanceof BodyDecodeError) return { kind: 'retry', problem: this.deps.clean(error.message) };
    if (timedOut) return { kind: 'retry', problem: `no complete answer within ${this.deps.requestTimeoutMs} ms` };
    const network = networkFailure(error);
    if (network?.proxyAuth) throw this.deps.proxyAuthError();
    if (network) return { kind: 'retry', problem: this.deps.clean(network.description), network };
    throw error; // not the network: a bug below us, reported as such
  }
}
