/**
 * Which proxy, if any, carries the requests to `api_url`: the standard variables as curl reads
 * them. Lower case wins over upper case; `https_proxy` serves https:// URLs and `http_proxy` http://
 * ones (an https URL never falls back to `http_proxy`, unlike undici's EnvHttpProxyAgent); hosts
 * listed in `no_proxy` go direct. The variables come from the caller's environment map, never from
 * process.env, so that in-process tests can set them.
 *
 * The connector talks to one origin only (redirects to another host are refused), so the route is
 * decided once per command, not per request.
 */
import { BlockList, isIP } from 'node:net';
import { isLoopbackHost } from './loopback.js';
import { ConnectorError } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ProxyRoute {
  /** The proxy URL, credentials included (never printed). */
  url: URL;
  /** The variable it came from, as the user spelled it (`https_proxy` or `HTTPS_PROXY`, …). */
  variable: string;
  /** How messages name it: `proxy host:port (from HTTPS_PROXY)`; never the credentials. */
  label: string;
  /**
   * Plain forwarding (absolute-URI requests) instead of a CONNECT tunnel: only for an http://
   * api_url through an http:// proxy, as curl does. https:// always tunnels.
   */
  forward: boolean;
}

/** The variable's value, lower case first; an empty value counts as unset (curl does the same). */
function lookup(env: Env, name: string): { variable: string; value: string } | undefined {
  for (const variable of [name, name.toUpperCase()]) {
    const value = env[variable]?.trim();
    if (value) return { variable, value };
  }
  return undefined;
}

/**
 * The proxy for `apiUrl`, or undefined to connect directly. Throws a config_error for a proxy
 * variable that is not a usable URL, and for a plain-http api_url through a proxy that is not on
 * this machine: the proxy would see the Authorization header in clear (SPEC §10: through a proxy,
 * the key travels only inside TLS).
 */
export function proxyFor(apiUrl: URL, env: Env): ProxyRoute | undefined {
  const https = apiUrl.protocol === 'https:';
  const setting = lookup(env, https ? 'https_proxy' : 'http_proxy');
  if (!setting) return undefined;
  const noProxy = lookup(env, 'no_proxy');
  if (noProxy && bypassesProxy(apiUrl, noProxy.value)) return undefined;

  const url = parseProxyUrl(setting.variable, setting.value);
  const label = `proxy ${url.host} (from ${setting.variable})`;
  if (!https && !isLoopbackHost(url.hostname)) {
    throw new ConnectorError(
      `api_url ${apiUrl.origin} is plain http and ${setting.variable} would send it through ${url.host}, ` +
        `which would see the API key in clear: add ${apiUrl.hostname} to NO_PROXY, or use an https:// api_url`,
      'config_error',
    );
  }
  return { url, variable: setting.variable, label, forward: !https && url.protocol === 'http:' };
}

function parseProxyUrl(variable: string, value: string): URL {
  // curl reads a bare "host:port" as an http proxy.
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConnectorError(`${variable} is not a proxy URL (expected http://host:port)`, 'config_error');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConnectorError(
      `${variable} uses ${url.protocol.replace(/:$/, '')}://, which is not supported: use an http:// or https:// proxy`,
      'config_error',
    );
  }
  if (url.hostname === '') throw new ConnectorError(`${variable} names no proxy host`, 'config_error');
  return url;
}

/**
 * curl's NO_PROXY rules (lib/noproxy.c): `*` alone bypasses everything; entries are separated by
 * commas (blanks around them are ignored); a host name matches itself and its subdomains, a leading
 * dot being ignored (`.example.com` and `example.com` both match `api.example.com`, never
 * `notexample.com`); an IP address matches exactly, or by CIDR (`10.0.0.0/8`). Loopback is not
 * bypassed unless listed. Beyond curl (as Go, Python and undici do): `host:port` bypasses only that
 * port, and a leading `*.` reads as a leading dot.
 */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const entries = noProxy.split(/[\s,]+/).filter((entry) => entry.length > 0);
  if (entries.includes('*')) return true;
  const host = stripBrackets(target.hostname).toLowerCase().replace(/\.$/, '');
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const family = isIP(host);
  return entries.some((entry) => {
    const { name, entryPort } = splitPort(entry.toLowerCase());
    if (entryPort !== undefined && entryPort !== port) return false;
    if (family !== 0) return ipMatches(host, family, name);
    const domain = name.replace(/^\*?\./, '').replace(/\.$/, '');
    return domain.length > 0 && (host === domain || host.endsWith(`.${domain}`));
  });
}

function splitPort(entry: string): { name: string; entryPort: number | undefined } {
  // "[::1]:8080", "host:8080"; a bare IPv6 address ("::1") has no port.
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1] ?? '', entryPort: bracketed[2] ? Number(bracketed[2]) : undefined };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort) return { name: hostPort[1] ?? '', entryPort: Number(hostPort[2]) };
  return { name: entry, entryPort: undefined };
}

function ipMatches(host: string, family: number, entry: string): boolean {
  const [address = '', bitsText] = entry.split('/');
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (isIP(address) !== family) return false;
  if (bitsText === undefined) {
    const list = new BlockList();
    list.addAddress(address, type);
    return list.check(host, type);
  }
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) return false;
  const list = new BlockList();
  list.addSubnet(address, bits, type);
  return list.check(host, type);
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
