// Every test talks to 127.0.0.1 only. Two guards:
// - nock guards node:http and the global fetch (its own interception);
// - every TCP/TLS connection, whoever makes it — the connector's own undici Agent included, which
//   nock does not see — goes through net.Socket.prototype.connect, patched here to refuse any host
//   that is not loopback before DNS or a SYN: the socket errors with NO_INTERNET_CODE at once, so a
//   test that strays fails fast and says why, instead of hanging on a dead address.
import net from 'node:net';
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

export const NO_INTERNET_CODE = 'ERR_TEST_NO_INTERNET';
const GUARDED = Symbol.for('source-devin.no-internet-guard');

/** Loopback names and addresses (IPv4 127/8, IPv6 ::1, in or out of brackets). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || /^::ffff:127(\.\d{1,3}){3}$/.test(bare);
}

/** The host a `Socket#connect(...)` call is for; undefined for a Unix socket or pipe (always local). */
function targetHost(args: unknown[]): { host: string; port: unknown } | undefined {
  // net.connect hands over its arguments already normalised, as one array [options, callback].
  const list = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const first = list[0];
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: unknown; path?: unknown; port?: unknown };
    if (typeof options.path === 'string' && options.port === undefined) return undefined;
    return { host: typeof options.host === 'string' ? options.host : 'localhost', port: options.port };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof list[1] === 'string' ? list[1] : 'localhost', port: first };
  }
  return undefined;
}

/** Marks a test's own DNS (a lookup that never resolves, e.g. for a mistyped host): see failingLookup. */
export const TEST_LOOKUP = Symbol.for('source-devin.test-lookup');

/** True when the connect options carry a test's own lookup that never resolves (nothing can leave). */
function guardLookup(args: unknown[]): boolean {
  const list = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const options = list[0] as { lookup?: { [TEST_LOOKUP]?: true } } | null;
  return options !== null && typeof options === 'object' && typeof options.lookup === 'function' && options.lookup[TEST_LOOKUP] === true;
}

const prototype = net.Socket.prototype as net.Socket & { [GUARDED]?: true };
if (!prototype[GUARDED]) {
  const connect = prototype.connect;
  prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const target = targetHost(args);
    // A test that injects a DNS lookup that never resolves (a mistyped host) may name any host.
    if (target && !isLoopbackHost(target.host) && guardLookup(args)) return connect.apply(this, args as never);
    if (target && !isLoopbackHost(target.host)) {
      const error = Object.assign(
        new Error(`no-internet guard: a test tried to connect to ${target.host}:${String(target.port)}; tests talk to 127.0.0.1 only`),
        { code: NO_INTERNET_CODE },
      );
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (connect as (...rest: unknown[]) => net.Socket).apply(this, args);
  } as typeof prototype.connect;
  prototype[GUARDED] = true;
}
