/**
 * The Devin HTTP client: one keep-alive connection pool (undici), bearer auth, the shared adaptive
 * limiter, retries with backoff, same-origin redirects only, and errors that say what to do. It
 * knows nothing about streams; callers pass a path and query.
 */
import { Agent, request, type Dispatcher } from 'undici';
import {
  AbortedError,
  ApiStatusError,
  ConnectorError,
  ResponseShapeError,
  RetriesExhaustedError,
} from './errors.js';
import type { AdaptiveLimiter, RequestOutcome } from './limiter.js';
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
  now?: () => number;
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY_CHARS = 2_000;

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
  /** HTTP attempts made by this client, retries included. */
  requestCount = 0;

  constructor(options: DevinClientOptions) {
    this.base = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`);
    this.apiKey = options.apiKey;
    this.headers = {
      authorization: `Bearer ${options.apiKey}`,
      accept: 'application/json',
      'user-agent': options.userAgent,
    };
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.limiter = options.limiter;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.limiter.snapshot().concurrency + 2,
        keepAliveTimeout: 30_000,
        connect: { timeout: 15_000 },
      });
    this.log = options.log ?? (() => undefined);
    this.onAttempt = options.onAttempt;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.signal = options.signal;
  }

  /** The absolute URL of a request (exported for tests and messages; it never holds the key). */
  urlOf(req: ApiRequest): URL {
    const url = new URL(req.path.replace(/^\//, ''), this.base);
    if (req.query && req.query.length > 0) {
      url.search = req.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
    }
    return url;
  }

  /** GET a JSON document, retrying what is worth retrying. */
  async getJson(req: ApiRequest, counter?: RequestCounter): Promise<unknown> {
    let url = this.urlOf(req);
    let redirects = 0;
    let lastProblem = '';
    let lastStatus: number | undefined;
    for (let attempt = 1; ; attempt += 1) {
      this.throwIfAborted();
      await this.limiter.acquire();
      let outcome: RequestOutcome = 'failure';
      let retryAfterMs: number | undefined;
      const attemptStarted = this.now();
      const attemptPath = url.pathname;
      let attemptStatus = 0;
      try {
        this.requestCount += 1;
        if (counter) counter.requests += 1;
        const response = await request(url, {
          method: 'GET',
          headers: this.headers,
          dispatcher: this.dispatcher,
          headersTimeout: this.policy.requestTimeoutMs,
          bodyTimeout: this.policy.requestTimeoutMs,
          signal: this.signal,
        });
        const status = response.statusCode;
        lastStatus = status;
        attemptStatus = status;
        if (status >= 200 && status < 300) {
          const text = await response.body.text();
          try {
            const parsed: unknown = JSON.parse(text);
            outcome = 'success';
            return parsed;
          } catch {
            // A 200 whose body is not JSON: a proxy truncated it, or an error page slipped through.
            lastProblem = `HTTP 200 with a body that is not valid JSON (${describeBody(text)})`;
          }
        } else if (status >= 300 && status < 400) {
          await response.body.dump();
          outcome = 'success';
          url = this.followRedirect(url, response.headers.location, status);
          redirects += 1;
          if (redirects > MAX_REDIRECTS) {
            throw new ConnectorError(`${url.pathname}: more than ${MAX_REDIRECTS} redirects`, 'system_error');
          }
          attempt -= 1; // a redirect is not a failed attempt
          continue;
        } else {
          const body = await readErrorBody(response);
          if (status === 429) {
            outcome = 'rate_limited';
            retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.now());
            lastProblem = 'HTTP 429 Too Many Requests';
          } else if (isRetryableStatus(status)) {
            retryAfterMs = status === 503 ? parseRetryAfter(response.headers['retry-after'], this.now()) : undefined;
            lastProblem = `HTTP ${status}${body.detail ? `: ${this.redact(body.detail)}` : ''}`;
          } else {
            outcome = 'success'; // the API is healthy; the request is wrong
            const detail = body.detail === undefined ? undefined : this.redact(body.detail);
            throw new ApiStatusError(
              `HTTP ${status} on GET ${url.pathname}${detail ? `: ${detail}` : ''}`,
              status,
              url.pathname,
              detail,
            );
          }
        }
      } catch (error) {
        if (error instanceof ConnectorError) throw error;
        if (this.signal?.aborted) throw new AbortedError();
        lastProblem = describeNetworkError(error);
      } finally {
        this.limiter.release(outcome);
        this.onAttempt?.({ path: attemptPath, status: attemptStatus, durationMs: this.now() - attemptStarted });
      }
      if (attempt >= this.policy.maxAttempts) {
        throw new RetriesExhaustedError(
          `GET ${url.pathname} failed ${attempt} times; last: ${lastProblem}`,
          lastStatus,
          `host ${url.host}`,
        );
      }
      const delay = retryDelayMs(attempt, retryAfterMs, this.policy, this.random);
      this.log('DEBUG', `retrying GET ${url.pathname} in ${delay} ms after ${lastProblem} (attempt ${attempt})`);
      await this.sleep(delay);
    }
  }

  /** Closes the connection pool (only when this client created it). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** Removes the API key from any text that came back from the server (some APIs echo it). */
  redact(text: string): string {
    return this.apiKey.length > 0 ? text.split(this.apiKey).join('****') : text;
  }

  private followRedirect(from: URL, location: string | string[] | undefined, status: number): URL {
    const target = Array.isArray(location) ? location[0] : location;
    if (!target) throw new ResponseShapeError(`HTTP ${status} without a Location header on GET ${from.pathname}`);
    const next = new URL(target, from);
    if (next.origin !== from.origin) {
      // Never carry the Authorization header to another host; the user should point api_url there.
      throw new ConnectorError(
        `the API redirected GET ${from.pathname} to another host (${next.host}); the API key is not sent there. ` +
          'If that is your Devin API, set api_url to it',
        'config_error',
      );
    }
    return next;
  }

  private throwIfAborted(): void {
    if (this.signal?.aborted) throw new AbortedError();
  }
}

async function readErrorBody(response: Dispatcher.ResponseData): Promise<{ detail: string | undefined }> {
  let text: string;
  try {
    text = await response.body.text();
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
