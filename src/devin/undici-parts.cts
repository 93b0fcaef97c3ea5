/**
 * The undici files a client needs, each required only when asked for. CommonJS on purpose: the
 * `require` calls are static, so the bundler (scripts/bundle.mjs) follows them and puts exactly these
 * files — not undici's entry point with fetch, WebSocket, cookies and caches — into the bundle, still
 * evaluated only on first use. Unbundled (tests, `tsc` output), Node resolves the same files from
 * node_modules.
 */
import type { Agent, Dispatcher, ProxyAgent } from 'undici';

type DispatcherClass = { prototype: Record<string, unknown> };

/** The base class every dispatcher extends; its prototype gets the request API. */
export function dispatcherBase(): DispatcherClass {
  return require('undici/lib/dispatcher/dispatcher.js') as DispatcherClass;
}

/** `request`, `stream`, `pipeline`, … as undici's entry point puts them on Dispatcher.prototype. */
export function requestApi(): Partial<Dispatcher> {
  return require('undici/lib/api/index.js') as Partial<Dispatcher>;
}

export function agentClass(): new (options: Agent.Options) => Agent {
  return require('undici/lib/dispatcher/agent.js') as new (options: Agent.Options) => Agent;
}

export function proxyAgentClass(): new (options: ProxyAgent.Options) => ProxyAgent {
  return require('undici/lib/dispatcher/proxy-agent.js') as new (options: ProxyAgent.Options) => ProxyAgent;
}
