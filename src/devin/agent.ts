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
import type { Agent } from 'undici';

const load = createRequire(import.meta.url);

type AgentClass = new (options: Agent.Options) => Agent;

/** Memoised module load (not state): the class is the same for every client. */
let agentClass: AgentClass | undefined;

export function createAgent(options: Agent.Options): Agent {
  if (!agentClass) {
    const dispatcher = load('undici/lib/dispatcher/dispatcher.js') as { prototype: Record<string, unknown> };
    if (typeof dispatcher.prototype.request !== 'function') Object.assign(dispatcher.prototype, load('undici/lib/api/index.js'));
    agentClass = load('undici/lib/dispatcher/agent.js') as AgentClass;
  }
  return new agentClass(options);
}
