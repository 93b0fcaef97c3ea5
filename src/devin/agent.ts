/**
 * The production dispatcher: undici's keep-alive Agent, loaded when the first client is built and
 * from its own files (./undici-parts.cts). `import 'undici'` loads all of undici (fetch, WebSocket, cookies, caches,
 * mocks), and its cookies module wakes Node's own bundled copy of undici as well: ≈ twice the start-up
 * cost of what a client uses (BENCHMARKS.md). Commands that build no client (spec, discover, usage
 * errors) load none of it. undici's entry point puts the request API (`request`, `stream`, …) on
 * Dispatcher.prototype; the same is done here, once, unless that entry point already did it (tests
 * load it for MockAgent: both share one module instance).
 */
import type { Agent, ProxyAgent } from 'undici';
import { agentClass, dispatcherBase, proxyAgentClass, requestApi } from './undici-parts.cjs';

/** Puts the request API on Dispatcher.prototype once (undici's entry point does this when it is loaded). */
function loadDispatcher(): void {
  const dispatcher = dispatcherBase();
  if (typeof dispatcher.prototype.request !== 'function') Object.assign(dispatcher.prototype, requestApi());
}

export function createAgent(options: Agent.Options): Agent {
  loadDispatcher();
  return new (agentClass())(options);
}

/** A proxy's dispatcher (CONNECT tunnels for https, forwarding for http), loaded the same way. */
export function createProxyAgent(options: ProxyAgent.Options): ProxyAgent {
  loadDispatcher();
  return new (proxyAgentClass())(options);
}
