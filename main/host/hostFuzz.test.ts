/**
 * The host never dies from input: a seeded, bounded protocol fuzz against a
 * running host — malformed HTTP request lines and percent-encodings, random
 * and mutated WebSocket frames (binary-frame headers that lie, bad JSON,
 * unknown channels and payloads), invalid UTF-8 text frames, frames over the
 * limit, raw garbage after the upgrade — after which a valid request must
 * still be answered. A crash would fail this run (an uncaught error in the
 * test process); a hang would time out.
 */
import net from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeWire, encodeWire } from '../../common/contract/wireCodec';
import { mulberry32 } from '../../common/random';
import { createWorkstation } from '../ipc/workstation';
import { writeNifti } from '../services/io/niftiWriter';
import { startHostServer, type HostServer } from './hostServer';

let server: HostServer;
let dir: string;
let niftiPath: string;
const logged: string[] = [];

const rand = mulberry32(20261201);
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'voxa-fuzz-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  niftiPath = path.join(dir, 'tiny.nii');
  await writeNifti(
    {
      geometry: { dimensions: [4, 3, 2], spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      dtype: 'int16',
      voxels: new Int16Array(24).map((_, n) => n),
      meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
    },
    niftiPath,
  );
  const ctx = createWorkstation({ mode: 'host', demoPath: null, nativeDialogs: false });
  ctx.grants.grant(dir);
  server = await startHostServer({ handlers: ctx.handlers, rendererDir: dir, port: 0, maxFrameBytes: 256 * 1024, log: (l) => logged.push(l) });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Writes raw bytes to the HTTP port and waits for the server to answer or close (bounded). */
function rawHttp(data: Buffer | string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(server.port, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, 300);
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (/\r\n\r\n/.test(got)) done();
    });
    sock.on('error', done);
    sock.on('close', done);
    sock.write(data);
  });
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: server.origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, channel: string, payload: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${channel}`)), 5000);
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      const msg = decodeWire(isBinary ? (data as Buffer) : data.toString()) as { t: string; id: number; envelope: never };
      if (msg.t === 'result' && msg.id === id) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(msg.envelope);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeWire({ t: 'call', id, channel, payload }));
  });
}

/** A frame that is wrong in one of many ways. */
function badFrame(): { data: Buffer | string; binary: boolean } {
  const valid = encodeWire({ t: 'call', id: 1, channel: 'volume:open', payload: { path: niftiPath } });
  const json = typeof valid === 'string' ? valid : '';
  const binary = encodeWire({ t: 'call', id: 2, channel: 'segment:edit', payload: { volumeId: 'v1', data: new ArrayBuffer(24) } }) as Uint8Array;
  switch (Math.floor(rand() * 10)) {
    case 0:
      return { data: bytes(1 + Math.floor(rand() * 64)), binary: true };
    case 1: {
      const b = Buffer.from(binary);
      b.writeUInt32LE(Math.floor(rand() * 2 ** 32), 0); // header length that lies
      return { data: b, binary: true };
    }
    case 2: {
      const b = Buffer.from(binary);
      for (let n = 0; n < 4; n++) b[4 + Math.floor(rand() * (b.length - 4))] = Math.floor(rand() * 256);
      return { data: b, binary: true };
    }
    case 3:
      return { data: json.slice(0, Math.floor(rand() * json.length)), binary: false };
    case 4:
      return { data: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d]), binary: false }; // invalid UTF-8 in a text frame
    case 5:
      return { data: JSON.stringify({ t: 'call', id: Math.floor(rand() * 1e6), channel: pick(['volume:open', 'fs:list', 'segment:prompt', 'nope:x', '__proto__', 'constructor']), payload: pick([null, 1, 'x', [], { path: '\u0000' }, { path: '/%' }, { volumeId: 'v999' }, { __proto__: { polluted: true } }]) }), binary: false };
    case 6:
      return { data: JSON.stringify(pick([null, 1, [], 'call', { t: 'cancel' }, { t: 'call' }, { t: 'call', id: 'x' }, { t: 'cancel', id: 1e308 }])), binary: false };
    case 7:
      return { data: Buffer.alloc(300 * 1024, 0x20), binary: rand() < 0.5 }; // over the 256 KiB limit
    case 8:
      return { data: '['.repeat(5000) + ']'.repeat(5000), binary: false }; // deep nesting
    default:
      return { data: `{"t":"call","id":1,"channel":"fs:list","payload":{"path":"${'../'.repeat(40)}etc"}}`, binary: false };
  }
}

function closeCode(ws: WebSocket, send: () => void): Promise<number> {
  return new Promise((resolve) => {
    ws.once('close', (code) => resolve(code));
    send();
  });
}

describe('host input that used to stop it', () => {
  it('answers GET /% with 400', async () => {
    expect((await fetch(`${server.origin}/%`)).status).toBe(400);
    expect((await fetch(`${server.origin}/%E0%A4%A`)).status).toBe(400);
  });

  it('closes only the connection that sent invalid UTF-8 (1007) or a frame over the limit (1009)', async () => {
    const a = await connect();
    expect(await closeCode(a, () => a.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false }))).toBe(1007);
    const b = await connect();
    expect(await closeCode(b, () => b.send(Buffer.alloc(300 * 1024), { binary: true }))).toBe(1009);
    const c = await connect();
    expect((await call(c, 1, 'app:info', {})).ok).toBe(true);
    c.close();
  });
});

describe('host protocol fuzz', () => {
  it('survives 400 malformed HTTP requests and 600 bad WebSocket frames, then still answers', async () => {
    const lines = ['GET /% HTTP/1.1', 'GET /%E0%A4%A HTTP/1.1', 'GET /..%2f..%2fetc%2fpasswd HTTP/1.1', 'GET /%00 HTTP/1.1', 'GET //x HTTP/1.1', 'GET http://[::1 HTTP/1.1', 'BREW / HTTP/1.1', 'GET / HTTP/9.9', `GET /${'a'.repeat(20000)} HTTP/1.1`, 'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13', 'GET /ws?token=%zz HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade'];
    let http = 0;
    for (let n = 0; n < 400; n++) {
      const payload = n % 4 === 3 ? bytes(1 + Math.floor(rand() * 200)) : `${pick(lines)}\r\nHost: 127.0.0.1\r\n\r\n`;
      await rawHttp(payload);
      http++;
    }
    const pct = await fetch(`${server.origin}/%`);
    expect(pct.status).toBe(400);

    let frames = 0;
    let closedConnections = 0;
    let ws = await connect();
    for (let n = 0; n < 600; n++) {
      if (ws.readyState !== WebSocket.OPEN) {
        closedConnections++;
        ws = await connect();
      }
      if (n % 50 === 49) {
        // Raw garbage below the WebSocket framing (unmasked, reserved bits, bad opcodes).
        (ws as unknown as { _socket: net.Socket })._socket.write(bytes(16));
      } else {
        const f = badFrame();
        ws.send(f.data, { binary: f.binary });
      }
      frames++;
      if (n % 20 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 200));
    ws.terminate();
    // The host still serves a valid request end to end.
    const fresh = await connect();
    const info = await call(fresh, 1, 'app:info', {});
    expect(info.ok).toBe(true);
    const opened = await call(fresh, 2, 'volume:open', { path: niftiPath });
    expect(opened.ok).toBe(true);
    expect((await fetch(`${server.origin}/`)).status).toBe(200);
    fresh.close();
    console.log(`fuzz: ${http} HTTP requests, ${frames} WebSocket frames, ${closedConnections} connections closed by the host, 0 crashes, 0 hangs`);
    expect(closedConnections).toBeGreaterThan(0);
  }, 120_000);
});
