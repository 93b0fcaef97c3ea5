/**
 * The connection side of the client: the undici dispatcher (direct, or through the proxy that
 * src/devin/proxy.ts chose, using undici's own ProxyAgent) and what a network failure means.
 */
import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import { createAgent, createProxyAgent } from './agent.js';
import type { ProxyRoute } from './proxy.js';

/**
 * How long a TCP connect (DNS lookup and TLS handshake included) may take. A healthy API connects
 * in well under a second, even across an ocean; this bounds how long a dead host can hold a
 * command (see FIRST_CONTACT in client.ts).
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

export interface TransportOptions {
  connections: number;
  connectTimeoutMs: number;
  proxy?: ProxyRoute | undefined;
  /** DNS lookup override (tests: a name that must not leave the machine). */
  lookup?: LookupFunction | undefined;
}

export function createDispatcher(options: TransportOptions): Dispatcher {
  const connect = {
    timeout: options.connectTimeoutMs,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };
  // HTTP/1.1 only (undici's default, said here because the bundle leaves undici's HTTP/2 client out:
  // scripts/bundle.mjs).
  const common = { connections: options.connections, keepAliveTimeout: 30_000, allowH2: false };
  if (!options.proxy) return createAgent({ ...common, connect });
  return createProxyAgent({
    ...common,
    uri: options.proxy.url.href,
    // false: an http:// api_url is forwarded as an absolute-URI request, as curl does; an https://
    // one always goes through CONNECT, so the proxy sees only host:port and the key stays in TLS.
    proxyTunnel: !options.proxy.forward,
    proxyTls: connect,
    requestTls: { timeout: options.connectTimeoutMs },
  });
}

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

/** The subset that means "no connection at all": the host (or proxy) is wrong, down or unreachable. */
const CONNECT_FAILURE_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
]);

export interface NetworkFailure {
  /** One line for a person, e.g. `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`. */
  description: string;
  /** No connection was made (as opposed to one that broke): a wrong host or proxy is likely. */
  connect: boolean;
  /** The proxy wants credentials: retrying cannot help. */
  proxyAuth: boolean;
}

/** What a thrown error says about the network, or undefined when it is not a network failure. */
export function networkFailure(error: unknown): NetworkFailure | undefined {
  const tunnel = proxyRefusal(error);
  if (tunnel !== undefined) {
    return { description: `the proxy answered ${tunnel} to CONNECT`, connect: true, proxyAuth: tunnel === 407 };
  }
  if (error instanceof Error && /Proxy Authentication Required/.test(error.message)) {
    return { description: 'the proxy answered 407 Proxy Authentication Required', connect: true, proxyAuth: true };
  }
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code)) {
      return { description: describe(current), connect: CONNECT_FAILURE_CODES.has(code), proxyAuth: false };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** undici's ProxyAgent reports a refused tunnel as "Proxy response (502) !== 200 when HTTP Tunneling". */
function proxyRefusal(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /^Proxy response \((\d{3})\) !== 200/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

function describe(error: object): string {
  const code = 'code' in error ? String((error as { code: unknown }).code) : undefined;
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  return code ? `${code}: ${message}` : message;
}
