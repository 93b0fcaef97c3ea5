/**
 * The Devin HTTP client: one keep-alive connection pool (undici), bearer auth, the shared adaptive
 * limiter, retries with backoff, same-origin redirects only, and errors that say what to do. It
 * knows nothing about streams; callers pass a path and query.
 */
import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import { HttpAttempts, type AttemptResult, type Target } from './attempt.js';
import { AbortedError, ConnectorError, RetriesExhaustedError, UnreachableError } from './errors.js';
import type { AdaptiveLimiter } from './limiter.js';
import type { ProxyRoute } from './proxy.js';
import { followRedirect, MAX_REDIRECTS } from './redirect.js';
import { DEFAULT_RETRY_POLICY, FIRST_CONTACT, retryDelayMs, type RetryPolicy } from './retry.js';
import { createDispatcher, DEFAULT_CONNECT_TIMEOUT_MS } from './transport.js';
import { clip } from './error-body.js';
import { Redactor } from './redactor.js';
import { ACCEPT_ENCODING, DEFAULT_BODY_LIMITS, type BodyLimits } from './response-body.js';

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

export class DevinClient {
  private readonly base: URL;
  private readonly policy: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly attempts: HttpAttempts;
  private readonly log: LogFn;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly signal: AbortSignal | undefined;
  private readonly proxy: ProxyRoute | undefined;
  private readonly redactor: Redactor;
  /** Resolves when the caller's signal fires, so retry waits end at once. */
  private readonly abortedPromise: Promise<void>;
  private resolveAborted: () => void = () => undefined;
  private readonly onAbort = (): void => {
    this.attempts.abortAll();
    this.resolveAborted();
  };

  constructor(options: DevinClientOptions) {
    this.base = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`);
    this.redactor = options.redactor ?? new Redactor();
    this.redactor.add(options.apiKey);
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
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
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.signal = options.signal;
    this.attempts = new HttpAttempts({
      dispatcher: this.dispatcher,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        accept: 'application/json',
        'user-agent': options.userAgent,
        'accept-encoding': ACCEPT_ENCODING,
      },
      limiter: options.limiter,
      requestTimeoutMs: this.policy.requestTimeoutMs,
      // Under an injected clock only the virtual deadline decides when an attempt has taken too long.
      undiciTimeoutMs: options.after ? 0 : this.policy.requestTimeoutMs,
      after: options.after ?? realAfter,
      bodyLimits: options.bodyLimits ?? DEFAULT_BODY_LIMITS,
      now: this.now,
      signal: this.signal,
      onAttempt: options.onAttempt,
      clean: (text) => this.clean(text),
      proxyAuthError: () => this.proxyAuthError(),
    });
    this.abortedPromise = new Promise((resolve) => (this.resolveAborted = resolve));
    if (this.signal?.aborted) this.resolveAborted();
    else this.signal?.addEventListener('abort', this.onAbort, { once: true });
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

  /** GET a JSON document, retrying what is worth retrying (one attempt at a time: ./attempt.ts). */
  async getJson(req: ApiRequest, counter?: RequestCounter): Promise<unknown> {
    const path = this.requestPath(req);
    let target: Target = { origin: this.base.origin, path, shown: pathOnly(path) };
    let redirects = 0;
    let lastStatus: number | undefined;
    for (let attempt = 1; ; attempt += 1) {
      this.throwIfAborted();
      const result = await this.attempts.run(target, req.path, counter);
      if (result.status !== 0) lastStatus = result.status;
      if (result.kind === 'json') return result.value;
      if (result.kind === 'redirect') {
        const shown = target.shown;
        target = followRedirect(target, result.location, result.status, this.redactor, (text) => this.clean(text));
        redirects += 1;
        if (redirects > MAX_REDIRECTS) throw new ConnectorError(`GET ${shown}: more than ${MAX_REDIRECTS} redirects`, 'system_error');
        attempt -= 1; // a redirect is not a failed attempt
        continue;
      }
      await this.beforeRetry(result, attempt, target, lastStatus, counter);
    }
  }

  /** Closes the connection pool (only when this client created it). */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /**
   * After a failed attempt: throws when it was the last one, else tells the caller about a rate
   * limit and waits out the backoff (or Retry-After, or what the limiter's verdict allows).
   */
  private async beforeRetry(
    result: Extract<AttemptResult, { kind: 'retry' }>,
    attempt: number,
    target: Target,
    lastStatus: number | undefined,
    counter: RequestCounter | undefined,
  ): Promise<void> {
    // Never connected yet: a refused connection or an unknown name is most likely a wrong api_url
    // or proxy, not a blip, so the command fails within seconds (SPEC §7, §14).
    const policy = result.network?.connect && !this.attempts.reached ? firstContactPolicy(this.policy) : this.policy;
    if (attempt >= policy.maxAttempts) {
      const failed = `GET ${target.shown} failed ${attempt} times${this.proxy ? ` through ${this.proxy.label}` : ''}; last: ${result.problem}`;
      const host = this.redactor.redact(new URL(target.origin).host);
      if (result.network?.connect) throw new UnreachableError(`${failed}. ${this.connectHint(host)}`, host);
      throw new RetriesExhaustedError(failed, lastStatus, `host ${host}`);
    }
    const { retryAfterMs } = result;
    const delay = retryDelayMs(attempt, retryAfterMs, policy, this.random, result.verdict === 'isolated');
    if (result.status === 429 && counter?.onRateLimited) {
      const atMs = this.now();
      counter.onRateLimited(retryAfterMs === undefined ? { atMs } : { atMs, untilMs: atMs + Math.min(retryAfterMs, policy.maxRetryAfterMs) });
    }
    this.log('DEBUG', `retrying GET ${target.shown} in ${delay} ms after ${result.problem} (attempt ${attempt})`);
    await this.pause(delay);
  }

  /**
   * Text from the server, fit for a message: the key removed first (some APIs echo it), and only
   * then cut short, so no part of the key survives the cut.
   */
  private clean(text: string): string {
    return clip(this.redactor.redact(text));
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
