/**
 * Host mode: the services behind a loopback HTTP + WebSocket server, for
 * browsers, the e2e tests, and thin clients of a GPU server.
 *
 * - Binds to 127.0.0.1 only.
 * - A random per-launch token is required on the WebSocket (query `token`),
 *   and the Origin must be this server's own origin.
 * - Serves the built renderer with the same strict Content-Security-Policy
 *   as the Electron shell.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeWire, encodeWire, type ClientMessage, type ServerMessage } from '../../common/contract/wireCodec';
import { Router, type CallContext, type CallSender } from '../ipc/router';
import type { Handlers } from '../ipc/router';
import { contentSecurityPolicy } from '../security/csp';

export interface HostServerOptions {
  handlers: Handlers;
  /** Folder with the built renderer (index.html, app.js). */
  rendererDir: string;
  port?: number;
  token?: string;
  log?: (line: string) => void;
}

export interface HostServer {
  url: string;
  origin: string;
  token: string;
  port: number;
  close: () => Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

export function tokensMatch(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const log = options.log ?? (() => undefined);
  let origin = '';
  const allowedOrigins = new Set<string>();

  const router = new Router(options.handlers, {
    isTrustedSender: (s: CallSender) => s.kind === 'internal' || (s.kind === 'websocket' && s.authenticated && allowedOrigins.has(s.origin)),
    onInternalError: (channel, e) => log(`internal error on ${channel}: ${e instanceof Error ? e.message : String(e)}`),
  });

  const server = http.createServer((req, res) => {
    void serveStatic(options.rendererDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reqOrigin = req.headers.origin ?? '';
    const reject = (status: number, text: string) => {
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      log(`refused WebSocket: ${text}`);
    };
    if (url.pathname !== '/ws') return reject(404, 'Not Found');
    if (!tokensMatch(url.searchParams.get('token'), token)) return reject(401, 'Unauthorized');
    if (!allowedOrigins.has(reqOrigin)) return reject(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, reqOrigin));
  });

  function onConnection(ws: WebSocket, wsOrigin: string) {
    const inflight = new Map<number, AbortController>();
    const send = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeWire(msg));
    };
    ws.on('message', (data, isBinary) => {
      let msg: ClientMessage;
      try {
        const frame = isBinary ? toUint8(data) : data.toString();
        msg = decodeWire(frame) as ClientMessage;
      } catch {
        ws.close(1003, 'malformed frame');
        return;
      }
      if (!msg || typeof msg !== 'object' || typeof msg.id !== 'number') return;
      if (msg.t === 'cancel') {
        inflight.get(msg.id)?.abort();
        return;
      }
      if (msg.t !== 'call' || typeof msg.channel !== 'string') return;
      const controller = new AbortController();
      inflight.set(msg.id, controller);
      const ctx: CallContext = {
        sender: { kind: 'websocket', origin: wsOrigin, authenticated: true },
        emit: (event, payload) => send({ t: 'event', event, payload }),
        signal: controller.signal,
      };
      void router.dispatch(msg.channel, msg.payload, ctx).then((envelope) => {
        inflight.delete(msg.id);
        send({ t: 'result', id: msg.id, envelope });
      });
    });
    ws.on('close', () => {
      for (const c of inflight.values()) c.abort();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedOrigins.add(origin);
  allowedOrigins.add(`http://localhost:${port}`);

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function toUint8(data: unknown): Uint8Array {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  throw new TypeError('unexpected frame type');
}

async function serveStatic(rootDir: string, req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  const file = path.resolve(rootDir, `.${rel}`);
  if (!file.startsWith(path.resolve(rootDir) + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': contentSecurityPolicy({ allowWebSocketOrigin: true }),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}
