/**
 * The Devin HTTP client: one keep-alive connection pool (undici), bearer auth, the shared adaptive
 * limiter, retries with backoff, same-origin redirects only, and errors that say what to do. It
 * knows nothing about streams; callers pass a path and query.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import {
  AbortedError,
  ApiStatusError,
  ConnectorError,
  ResponseShapeError,
  RetriesExhaustedError,
  UnreachableError,
} from './errors.js';
import type { AdaptiveLimiter, RateLimitVerdict, RequestOutcome } from './limiter.js';
import type { ProxyRoute } from './proxy.js';
import { DEFAULT_RETRY_POLICY, FIRST_CONTACT, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry.js';
import { createDispatcher, DEFAULT_CONNECT_TIMEOUT_MS, networkFailure, type NetworkFailure } from './transport.js';
import { clip, describeBody, readErrorBody } from './error-body.js';
import { Redactor } from './redactor.js';
import { ACCEPT_ENCODING, BodyDecodeError, DEFAULT_BODY_LIMITS, parseJsonBody, readBody, type BodyLimits } from './response-body.js';

export type QueryParams = ReadonlyArray<readonly [string, string | number]>;

export interface ApiRequest {
  path: string;
  query?: QueryParams;
}

/** Counts HTTP attempts (retries included) for whoever passes it in, e.g. one per stream. */
export interface RequestCounter {
  requests: number;
  /**
   * Called when an attempt of this caller's got a 429 and the client is about to wait before the
   * retry: `untilMs` (epoch ms) is when the API said its quota resets (Retry-After), if it said.
   * Must not throw. Per caller, because the client is shared by every stream of a read.
   */
  onRateLimited?: (wait: RateLimitedWait) => void;
}

export interface RateLimitedWait {
  /** When the 429 came (the client's wall clock, epoch ms). */
  atMs: number;
  untilMs?: number;
}

export type LogFn = (level: 'INFO' | 'WARN' | 'DEBUG', message: string) => void;

/** One HTTP attempt, reported after it ends (for request-duration metrics). `status` 0 = no response. */
export interface HttpAttempt {
  path: string;
  status: number;
  durationMs: number;
}

export interface DevinClientOptions {
  apiUrl: string;
  apiKey: string;
  userAgent: string;
  limiter: AdaptiveLimiter;
  policy?: RetryPolicy;
  /** Tests inject undici's MockAgent here; production uses a keep-alive Agent (or ProxyAgent). */
  dispatcher?: Dispatcher;
  /** The proxy that carries every request (src/devin/proxy.ts), when one applies to apiUrl. */
  proxy?: ProxyRoute | undefined;
  /** DNS lookup override for the default dispatcher (tests). */
  lookup?: LookupFunction | undefined;
  log?: LogFn;
  /** Called after every HTTP attempt (retries included); must not throw. */
  onAttempt?: (attempt: HttpAttempt) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Wall clock, to turn a Retry-After HTTP date into a wait; default Date.now. */
  now?: () => number;
  /**
   * Runs `fn` after `ms` and returns what cancels it: the per-attempt deadline. Default setTimeout;
   * tests pass a virtual clock's, and then undici's own (real-time) timeouts are off, so that only
   * the virtual deadline decides when an attempt has taken too long.
   */
  after?: (ms: number, fn: () => void) => () => void;
  /** Aborts every request in flight and every retry wait (the reader of stdout went away). */
  signal?: AbortSignal;
  /**
   * The process's redactor (the writers use the same one). Everything the server sends back that
   * reaches a message (error bodies, Location headers) is cleaned here, before it is cut short.
   * The client registers its own key in it; without one it keeps a private redactor.
   */
  redactor?: Redactor;
  /** What one answer may cost; default DEFAULT_BODY_LIMITS (tests shrink it to a few KB). */
  bodyLimits?: BodyLimits;
}

const MAX_REDIRECTS = 5;

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

/** Where one attempt goes: the origin, and the path exactly as it is put on the wire. */
interface Target {
  origin: string;
  /** Path + query, already percent-encoded; never re-parsed (see `requestPath`). */
  path: string;
  /** The path for messages and metrics: no query, and redacted when the server chose it (a redirect). */
  shown: string;
}

export class DevinClient {
  private readonly base: URL;
  private readonly headers: Record<string, string>;
  private readonly policy: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly limiter: AdaptiveLimiter;
  private readonly log: LogFn;
  private readonly onAttempt: ((attempt: HttpAttempt) => void) | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly after: (ms: number, fn: () => void) => () => void;
  /** undici's headers/body timeouts: the policy's in real time; 0 (off) under an injected clock. */
  private readonly undiciTimeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly proxy: ProxyRoute | undefined;
  /** True once the host (not a proxy) has answered anything: from then on, a failed connect is a blip. */
  private reached = false;
  private readonly redactor: Redactor;
  private readonly bodyLimits: BodyLimits;
  /** Attempts in flight, aborted together when the caller's signal fires (one listener, not one each). */
  private readonly inFlight = new Set<AttemptAbort>();
  /** Resolves when the caller's signal fires, so retry waits end at once. */
  private readonly abortedPromise: Promise<void>;
  private resolveAborted: () => void = () => undefined;
  private readonly onAbort = (): void => {
    for (const controller of this.inFlight) controller.abort(new AbortedError());
    this.resolveAborted();
  };
  /** HTTP attempts made by this client, retries included. */
  requestCount = 0;

  constructor(options: DevinClientOptions) {
    this.base = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`);
    this.redactor = options.redactor ?? new Redactor();
    this.redactor.add(options.apiKey);
    this.headers = {
      authorization: `Bearer ${options.apiKey}`,
      accept: 'application/json',
      'user-agent': options.userAgent,
      'accept-encoding': ACCEPT_ENCODING,
    };
    this.bodyLimits = options.bodyLimits ?? DEFAULT_BODY_LIMITS;
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.limiter = options.limiter;
    this.proxy = options.proxy;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      createDispatcher({
        connections: options.limiter.snapshot().concurrency + 2,
        connectTimeoutMs: connectTimeoutOf(this.policy),
        proxy: options.proxy,
        lookup: options.lookup,
      });
    this.log = options.log ?? (() => undefined);
    this.onAttempt = options.onAttempt;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.after = options.after ?? realAfter;
    this.undiciTimeoutMs = options.after ? 0 : this.policy.requestTimeoutMs;
    this.signal = options.signal;
    this.abortedPromise = new Promise((resolve) => (this.resolveAborted = resolve));
    if (this.signal?.aborted) this.resolveAborted();
    else this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The absolute URL of a request, for messages and tests (it never holds the key). */
  urlOf(req: ApiRequest): URL {
    return new URL(`${this.base.origin}${this.requestPath(req)}`);
  }

  /**
   * The request path as sent: api_url's own path, then the endpoint path (whose parameters the
   * caller encoded), then the query. Built as a string and handed to undici as is, because a WHATWG
   * URL would resolve an encoded dot segment (`%2E%2E`, a user id of "..") and send the request to
   * another endpoint.
   */
  requestPath(req: ApiRequest): string {
    const prefix = this.base.pathname.replace(/\/$/, '');
    const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
    const query =
      req.query && req.query.length > 0
        ? `?${req.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`
        : '';
    return `${prefix}${path}${query}`;
  }

  /** GET a JSON document, retrying what is worth retrying. */
  async getJson(req: ApiRequest, counter?: RequestCounter): Promise<unknown> {
    const path = this.requestPath(req);
    let target: Target = { origin: this.base.origin, path, shown: pathOnly(path) };
    let redirects = 0;
    let lastProblem = '';
    let lastStatus: number | undefined;
    let lastNetwork: NetworkFailure | undefined;
    for (let attempt = 1; ; attempt += 1) {
      this.throwIfAborted();
      const ticket = await this.limiter.acquire();
      let outcome: RequestOutcome = 'failure';
      let verdict: RateLimitVerdict | undefined;
      let retryAfterMs: number | undefined;
      const attemptStarted = performance.now();
      const shownPath = target.shown;
      let attemptStatus = 0;
      const controller = new AttemptAbort();
      let timedOut = false;
      const cancelDeadline = this.after(this.policy.requestTimeoutMs, () => {
        timedOut = true;
        controller.abort(new Error('request timeout'));
      });
      this.inFlight.add(controller);
      try {
        this.throwIfAborted();
        this.requestCount += 1;
        if (counter) counter.requests += 1;
        const response = await this.dispatcher.request({
          origin: target.origin,
          path: target.path,
          method: 'GET',
          headers: this.headers,
          headersTimeout: this.undiciTimeoutMs,
          bodyTimeout: this.undiciTimeoutMs,
          signal: controller,
        });
        const status = response.statusCode;
        this.reached = true;
        lastNetwork = undefined;
        lastStatus = status;
        attemptStatus = status;
        if (status >= 200 && status < 300) {
          const what = `GET ${shownPath}`;
          const parsed = parseJsonBody(await readBody(response, this.bodyLimits.maxBytes, what), this.bodyLimits, what);
          if (parsed.ok) {
            outcome = 'success';
            return parsed.value;
          }
          // A 200 whose body is not JSON: a proxy truncated it, or an error page slipped through.
          lastProblem = `HTTP ${status} with a body that is not valid JSON (${describeBody(parsed.text)})`;
        } else if (status >= 300 && status < 400) {
          await response.body.dump();
          outcome = 'success';
          target = this.followRedirect(target, response.headers.location, status);
          redirects += 1;
          if (redirects > MAX_REDIRECTS) {
            throw new ConnectorError(`GET ${shownPath}: more than ${MAX_REDIRECTS} redirects`, 'system_error');
          }
          attempt -= 1; // a redirect is not a failed attempt
          continue;
        } else {
          const body = await readErrorBody(response);
          const detail = body.detail === undefined ? undefined : this.clean(body.detail);
          if (!isRetryableStatus(status)) {
            outcome = 'success'; // the API is healthy; the request is wrong
            throw new ApiStatusError(`HTTP ${status} on GET ${shownPath}${detail ? `: ${detail}` : ''}`, status, req.path, detail);
          }
          if (status === 429) outcome = 'rate_limited';
          retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.now());
          lastProblem = status === 429 ? 'HTTP 429 Too Many Requests' : `HTTP ${status}${detail ? `: ${detail}` : ''}`;
        }
      } catch (error) {
        if (error instanceof ConnectorError) throw error;
        if (this.signal?.aborted) throw new AbortedError();
        lastNetwork = timedOut || error instanceof BodyDecodeError ? undefined : networkFailure(error);
        if (error instanceof BodyDecodeError) lastProblem = this.clean(error.message);
        else if (timedOut) lastProblem = `no complete answer within ${this.policy.requestTimeoutMs} ms`;
        else if (lastNetwork?.proxyAuth) throw this.proxyAuthError();
        else if (lastNetwork) lastProblem = this.clean(lastNetwork.description);
        else throw error; // not the network: a bug below us, reported as such
      } finally {
        cancelDeadline();
        this.inFlight.delete(controller);
        verdict = this.limiter.release(outcome, ticket);
        this.onAttempt?.({ path: shownPath, status: attemptStatus, durationMs: performance.now() - attemptStarted });
      }
      // Never connected yet: a refused connection or an unknown name is most likely a wrong api_url
      // or proxy, not a blip, so the command fails within seconds (SPEC §7, §14).
      const policy = lastNetwork?.connect && !this.reached ? firstContactPolicy(this.policy) : this.policy;
      if (attempt >= policy.maxAttempts) {
        const failed = `GET ${shownPath} failed ${attempt} times${this.proxy ? ` through ${this.proxy.label}` : ''}; last: ${lastProblem}`;
        const host = this.redactor.redact(new URL(target.origin).host);
        if (lastNetwork?.connect) throw new UnreachableError(`${failed}. ${this.connectHint(host)}`, host);
        throw new RetriesExhaustedError(failed, lastStatus, `host ${host}`);
      }
      const delay = retryDelayMs(attempt, retryAfterMs, policy, this.random, verdict === 'isolated');
      if (attemptStatus === 429 && counter?.onRateLimited) {
        const atMs = this.now();
        counter.onRateLimited(retryAfterMs === undefined ? { atMs } : { atMs, untilMs: atMs + Math.min(retryAfterMs, policy.maxRetryAfterMs) });
      }
      this.log('DEBUG', `retrying GET ${shownPath} in ${delay} ms after ${lastProblem} (attempt ${attempt})`);
      await this.pause(delay);
    }
  }

  /** Closes the connection pool (only when this client created it). */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /**
   * Text from the server, fit for a message: the key removed first (some APIs echo it), and only
   * then cut short, so no part of the key survives the cut.
   */
  private clean(text: string): string {
    return clip(this.redactor.redact(text));
  }

  private followRedirect(from: Target, location: string | string[] | undefined, status: number): Target {
    const { shown } = from;
    const value = Array.isArray(location) ? location[0] : location;
    if (!value) throw new ResponseShapeError(`HTTP ${status} without a Location header on GET ${shown}`);
    let next: URL;
    try {
      next = new URL(value, `${from.origin}${from.path}`);
    } catch {
      throw new ResponseShapeError(`HTTP ${status} on GET ${shown} with an unusable Location header`);
    }
    if (next.origin !== from.origin) {
      // Never carry the Authorization header to another host; the user should point api_url there.
      // The host is the server's choice (lower-cased by URL parsing) and may hold the key.
      throw new ConnectorError(
        `the API redirected GET ${shown} to another host (${this.clean(next.host)}); the API key is not sent there. ` +
          'If that is your Devin API, set api_url to it',
        'config_error',
      );
    }
    // After a redirect the path is the server's, and may carry the key (percent-encoded, say).
    return { origin: next.origin, path: `${next.pathname}${next.search}`, shown: this.redactor.redact(next.pathname) };
  }

  /** What to check when no connection could be made: api_url, and the proxy variables. */
  private connectHint(host: string): string {
    const variable = this.base.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    if (this.proxy) {
      return `Check ${this.proxy.variable} and NO_PROXY (is the proxy up, and can it reach ${host}?), then api_url (${this.base.origin})`;
    }
    return `Check that api_url (${this.base.origin}) is right and that ${host} is reachable from here; behind a proxy, set ${variable}`;
  }

  private proxyAuthError(): ConnectorError {
    const via = this.proxy ? `${this.proxy.label} ` : 'the proxy ';
    return new ConnectorError(
      `${via}requires authentication (407): put the credentials in the proxy URL (http://user:password@host:port)`,
      'config_error',
    );
  }

  /** Waits before a retry, but not past an abort. */
  private async pause(ms: number): Promise<void> {
    await Promise.race([this.sleep(ms), this.abortedPromise]);
    this.throwIfAborted();
  }

  private throwIfAborted(): void {
    if (this.signal?.aborted) throw new AbortedError();
  }
}

function realAfter(ms: number, fn: () => void): () => void {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
}

function pathOnly(path: string): string {
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

function connectTimeoutOf(policy: RetryPolicy): number {
  return Math.min(policy.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, policy.requestTimeoutMs);
}

/** The caller's policy, cut down to FIRST_CONTACT (never made longer). */
function firstContactPolicy(policy: RetryPolicy): RetryPolicy {
  return {
    ...policy,
    maxAttempts: Math.min(policy.maxAttempts, FIRST_CONTACT.maxAttempts),
    baseDelayMs: Math.min(policy.baseDelayMs, FIRST_CONTACT.baseDelayMs),
    maxDelayMs: Math.min(policy.maxDelayMs, FIRST_CONTACT.maxDelayMs),
  };
}
