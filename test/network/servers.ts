/**
 * Loopback servers for the network tests: a tiny forward proxy (CONNECT tunnels for https, absolute-URI
 * forwarding for http) that records every request line, and an https front for the simulator with
 * the committed test certificate (test/fixtures/tls, valid for localhost and 127.0.0.1 until 2126).
 */
import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export const TEST_CA_PATH = fileURLToPath(new URL('../fixtures/tls/localhost-cert.pem', import.meta.url));
const TEST_KEY_PATH = fileURLToPath(new URL('../fixtures/tls/localhost-key.pem', import.meta.url));

export interface ForwardProxy {
  url: string;
  port: number;
  /** Every request line it received, in order: `CONNECT 127.0.0.1:443 HTTP/1.1`, `GET http://… HTTP/1.1`. */
  lines: string[];
  /** Every request header block it received (to show where the key does and does not travel). */
  headers: Array<IncomingMessage['headers']>;
  /** Local ports of its connections to the targets: a request arriving from one of them came through it. */
  upstreamPorts: Set<number>;
  close(): Promise<void>;
}

/** `answerConnect`: a status other than 200 refuses every tunnel (407 asks for credentials). */
export async function startForwardProxy(options: { answerConnect?: number } = {}): Promise<ForwardProxy> {
  const lines: string[] = [];
  const headers: Array<IncomingMessage['headers']> = [];
  const upstreamPorts = new Set<number>();
  const tunnels = new Set<Socket>();
  const server = createServer((req, res) => {
    lines.push(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
    headers.push(req.headers);
    const target = new URL(req.url ?? '');
    const upstream = request(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('socket', (socket) => socket.on('connect', () => upstreamPorts.add(socket.localPort ?? 0)));
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    lines.push(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
    headers.push(req.headers);
    client.on('error', () => undefined);
    tunnels.add(client);
    client.on('close', () => tunnels.delete(client));
    if (options.answerConnect !== undefined && options.answerConnect !== 200) {
      client.end(`HTTP/1.1 ${options.answerConnect} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host = '', port = ''] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host, () => {
      upstreamPorts.add(upstream.localPort ?? 0);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  const port = await listen(server);
  const close = async (): Promise<void> => {
    for (const socket of tunnels) socket.destroy();
    await closeServer(server);
  };
  return { url: `http://127.0.0.1:${port}`, port, lines, headers, upstreamPorts, close };
}

export interface HttpsFront {
  url: string;
  port: number;
  /** The remote port of every request it served. */
  remotePorts: number[];
  close(): Promise<void>;
}

/** An https server on 127.0.0.1 that relays every request to `targetUrl` (the simulator). */
export async function startHttpsFront(targetUrl: string): Promise<HttpsFront> {
  const target = new URL(targetUrl);
  const remotePorts: number[] = [];
  const server = createHttpsServer({ key: readFileSync(TEST_KEY_PATH), cert: readFileSync(TEST_CA_PATH) }, (req, res) => {
    remotePorts.push(req.socket.remotePort ?? 0);
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}`, port, remotePorts, close: () => closeServer(server) };
}

/** A port on 127.0.0.1 that refuses connections: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never says a word (a TLS handshake that never ends). */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
