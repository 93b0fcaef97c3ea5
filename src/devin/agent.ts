/**
 * The production dispatcher: undici's keep-alive Agent, loaded when the first client is built and
 * from its own files. `import 'undici'` loads all of undici (fetch, WebSocket, cookies, caches,
 * mocks), and its cookies module wakes Node's own bundled copy of undici as well: ≈ twice the start-up
 * cost of what a client uses (BENCHMARKS.md). Commands that build no client (spec, discover, usage
 * errors) load none of it. undici's entry point puts the request API (`request`, `stream`, …) on
 * Dispatcher.prototype; the same is done here, once, unless that entry point already did it (tests
 * load it for MockAgent: both share one module instance).
 */
import { createRequire } from 'node:module';
import type { Agent, ProxyAgent } from 'undici';

const load = createRequire(import.meta.url);

/** Puts the request API on Dispatcher.prototype once (undici's entry point does this when it is loaded). */
function loadDispatcher(): void {
  const dispatcher = load('undici/lib/dispatcher/dispatcher.js') as { prototype: Record<string, unknown> };
  if (typeof dispatcher.prototype.request !== 'function') Object.assign(dispatcher.prototype, load('undici/lib/api/index.js'));
}

export function createAgent(options: Agent.Options): Agent {
  loadDispatcher();
  const AgentClass = load('undici/lib/dispatcher/agent.js') as new (options: Agent.Options) => Agent;
  return new AgentClass(options);
}

/** A proxy's dispatcher (CONNECT tunnels for https, forwarding for http), loaded the same way. */
export function createProxyAgent(options: ProxyAgent.Options): ProxyAgent {
  loadDispatcher();
  const ProxyAgentClass = load('undici/lib/dispatcher/proxy-agent.js') as new (options: ProxyAgent.Options) => ProxyAgent;
  return new ProxyAgentClass(options);
}
