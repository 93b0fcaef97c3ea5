/**
 * The Devin HTTP client: one keep-alive connection pool (undici), bearer auth, the shared adaptive
 * limiter, retries with backoff, same-origin redirects only, and errors that say what to do. It
 * knows nothing about streams; callers pass a path and query.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';
import {
  AbortedError,
  ApiStatusError,
  ConnectorError,
  ResponseShapeError,
  RetriesExhaustedError,
} from './errors.js';
import type { AdaptiveLimiter, RequestOutcome } from './limiter.js';
import { ACCEPT_ENCODING, BodyDecodeError, DEFAULT_BODY_LIMITS, parseJsonBody, readBody, type BodyLimits } from './response-body.js';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry.js';

export type QueryParams = ReadonlyArray<readonly [string, string | number]>;

export interface ApiRequest {
  path: string;
  query?: QueryParams;
}

/** Counts HTTP attempts (retries included) for whoever passes it in, e.g. one per stream. */
export interface RequestCounter {
  requests: number;
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
  /** Tests inject undici's MockAgent here; production uses a keep-alive Agent. */
  dispatcher?: Dispatcher;
  log?: LogFn;
  /** Called after every HTTP attempt (retries included); must not throw. */
  onAttempt?: (attempt: HttpAttempt) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Wall clock, to turn a Retry-After HTTP date into a wait; default Date.now. */
  now?: () => number;
  /** Aborts every request in flight and every retry wait (the reader of stdout went away). */
  signal?: AbortSignal;
  /** What one answer may cost; default DEFAULT_BODY_LIMITS (tests shrink it to a few KB). */
  bodyLimits?: BodyLimits;
}

const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY_CHARS = 2_000;
/** Error bodies are read only for their `detail`; a bigger one is skipped, not parsed. */
const MAX_ERROR_BODY_BYTES = 256 * 1024;

/**
 * Network failures worth another attempt: resets, refused or dropped connections, DNS hiccups,
 * timeouts, bodies cut short. Anything else thrown below us (a bad argument, a mock that matched
 * nothing, a closed pool) is a bug or a misconfiguration, and retrying it would only hide it.
 */
const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
]);

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
  private readonly signal: AbortSignal | undefined;
  private readonly apiKey: string;
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
    this.apiKey = options.apiKey;
    this.headers = {
      authorization: `Bearer ${options.apiKey}`,
      accept: 'application/json',
      'user-agent': options.userAgent,
      'accept-encoding': ACCEPT_ENCODING,
    };
    this.bodyLimits = options.bodyLimits ?? DEFAULT_BODY_LIMITS;
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.limiter = options.limiter;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.limiter.snapshot().concurrency + 2,
        keepAliveTimeout: 30_000,
        connect: { timeout: Math.min(15_000, this.policy.requestTimeoutMs) },
      });
    this.log = options.log ?? (() => undefined);
    this.onAttempt = options.onAttempt;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
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
    let target: Target = { origin: this.base.origin, path: this.requestPath(req) };
    let redirects = 0;
    let lastProblem = '';
    let lastStatus: number | undefined;
    for (let attempt = 1; ; attempt += 1) {
      this.throwIfAborted();
      const ticket = await this.limiter.acquire();
      let outcome: RequestOutcome = 'failure';
      let retryAfterMs: number | undefined;
      const attemptStarted = performance.now();
      const shownPath = pathOnly(target.path);
      let attemptStatus = 0;
      const controller = new AttemptAbort();
      let timedOut = false;
      const deadline = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error('request timeout'));
      }, this.policy.requestTimeoutMs);
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
          headersTimeout: this.policy.requestTimeoutMs,
          bodyTimeout: this.policy.requestTimeoutMs,
          signal: controller,
        });
        const status = response.statusCode;
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
          const detail = body.detail === undefined ? undefined : this.redact(body.detail);
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
        if (error instanceof BodyDecodeError) lastProblem = error.message;
        else if (timedOut) lastProblem = `no complete answer within ${this.policy.requestTimeoutMs} ms`;
        else if (isRetryableNetworkError(error)) lastProblem = describeNetworkError(error);
        else throw error; // not the network: a bug below us, reported as such
      } finally {
        clearTimeout(deadline);
        this.inFlight.delete(controller);
        this.limiter.release(outcome, ticket);
        this.onAttempt?.({ path: shownPath, status: attemptStatus, durationMs: performance.now() - attemptStarted });
      }
      if (attempt >= this.policy.maxAttempts) {
        throw new RetriesExhaustedError(
          `GET ${shownPath} failed ${attempt} times; last: ${lastProblem}`,
          lastStatus,
          `host ${new URL(target.origin).host}`,
        );
      }
      const delay = retryDelayMs(attempt, retryAfterMs, this.policy, this.random);
      this.log('DEBUG', `retrying GET ${shownPath} in ${delay} ms after ${lastProblem} (attempt ${attempt})`);
      await this.pause(delay);
    }
  }

  /** Closes the connection pool (only when this client created it). */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** Removes the API key from any text that came back from the server (some APIs echo it). */
  redact(text: string): string {
    return this.apiKey.length > 0 ? text.split(this.apiKey).join('****') : text;
  }

  private followRedirect(from: Target, location: string | string[] | undefined, status: number): Target {
    const shown = pathOnly(from.path);
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
      throw new ConnectorError(
        `the API redirected GET ${shown} to another host (${next.host}); the API key is not sent there. ` +
          'If that is your Devin API, set api_url to it',
        'config_error',
      );
    }
    return { origin: next.origin, path: `${next.pathname}${next.search}` };
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

function pathOnly(path: string): string {
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

function isRetryableNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

async function readErrorBody(response: Dispatcher.ResponseData): Promise<{ detail: string | undefined }> {
  let text: string;
  try {
    text = (await readBody(response, MAX_ERROR_BODY_BYTES, 'an error body')).toString('utf8');
  } catch {
    return { detail: undefined };
  }
  return { detail: errorDetail(text) };
}

/** The human part of an error body: ProblemDetail `detail`/`title`, FastAPI's 422 list, or text. */
export function errorDetail(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    const body = JSON.parse(trimmed) as Record<string, unknown>;
    if (typeof body.detail === 'string') return oneLine(body.detail);
    if (Array.isArray(body.detail)) {
      return oneLine(
        body.detail
          .map((item) => (item && typeof item === 'object' && 'msg' in item ? String(item.msg) : JSON.stringify(item)))
          .join('; '),
      );
    }
    if (typeof body.title === 'string') return oneLine(body.title);
  } catch {
    // not JSON: fall through
  }
  return /<html|<!doctype/i.test(trimmed) ? 'an HTML error page' : oneLine(trimmed);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_ERROR_BODY_CHARS ? `${line.slice(0, MAX_ERROR_BODY_CHARS)}…` : line;
}

function describeBody(text: string): string {
  if (text.length === 0) return 'empty';
  if (/<html|<!doctype/i.test(text)) return 'an HTML page';
  return `${text.length} bytes`;
}

function describeNetworkError(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = 'code' in error ? String((error as { code: unknown }).code) : undefined;
    const message = error instanceof Error ? error.message : String(error);
    return code ? `${code}: ${oneLine(message)}` : oneLine(message);
  }
  return String(error);
}
