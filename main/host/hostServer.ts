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
import { contentSecurityPolicy, metaPolicy, withMetaPolicy } from '../security/csp';

export interface HostServerOptions {
  handlers: Handlers;
  /** Folder with the built renderer (index.html, app.js). */
  rendererDir: string;
  port?: number;
  token?: string;
  log?: (line: string) => void;
  /** Largest client frame (default MAX_FRAME_BYTES); bigger ones close that connection with 1009. */
  maxFrameBytes?: number;
  /** A connection closed: release what it held (its volumes). */
  onDisconnect?: (connectionId: string) => void;
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

/** Largest WebSocket frame a client may send (the biggest request is a mask import's labelmap). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

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
    serveStatic(options.rendererDir, req, res).catch((e: unknown) => {
      // Nothing a request carries may stop the host: answer what can still be answered, log the rest.
      log(`static request failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error');
      else res.destroy();
    });
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? MAX_FRAME_BYTES });
  wss.on('error', (e) => log(`WebSocket server error: ${e.message}`));

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      socket.destroy();
      return;
    }
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
    const connectionId = randomBytes(8).toString('hex');
    const send = (msg: ServerMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      try {
        ws.send(encodeWire(msg));
      } catch (e) {
        log(`could not send a ${msg.t}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    // Oversized frames, invalid UTF-8 and protocol errors end this connection (ws closes it with 1009/1007/1002), never the host.
    ws.on('error', (e) => {
      log(`WebSocket closed on error: ${e.message}`);
      ws.terminate();
    });
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
        sender: { kind: 'websocket', origin: wsOrigin, authenticated: true, connectionId },
        emit: (event, payload) => send({ t: 'event', event, payload }),
        signal: controller.signal,
      };
      router
        .dispatch(msg.channel, msg.payload, ctx)
        .then((envelope) => send({ t: 'result', id: msg.id, envelope }))
        .catch((e: unknown) => {
          log(`dispatch failed on ${msg.channel}: ${e instanceof Error ? e.message : String(e)}`);
          send({ t: 'result', id: msg.id, envelope: { ok: false, error: { code: 'INTERNAL', message: 'internal error' } } });
        })
        .finally(() => inflight.delete(msg.id));
    });
    ws.on('close', () => {
      for (const c of inflight.values()) c.abort();
      try {
        options.onDisconnect?.(connectionId);
      } catch (e) {
        log(`releasing a connection failed: ${e instanceof Error ? e.message : String(e)}`);
      }
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
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('malformed percent-encoding');
    return;
  }
  if (rel.includes('\0')) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad path');
    return;
  }
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
  else if (path.basename(file) === 'index.html') {
    // The page's own <meta> policy is Electron's (no WebSocket); served here it must allow this host's socket.
    const { readFile } = await import('node:fs/promises');
    const html = await readFile(file, 'utf8');
    res.end(metaPolicy(html) === null ? html : withMetaPolicy(html, contentSecurityPolicy({ allowWebSocketOrigin: true, meta: true })));
  } else {
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }
}
