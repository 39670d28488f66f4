import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeWire, encodeWire } from '../../common/contract/wireCodec';
import { createWorkstation } from '../ipc/workstation';
import { writeNifti } from '../services/io/niftiWriter';
import { startHostServer, type HostServer } from './hostServer';

let server: HostServer;
let dir: string;
let niftiPath: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'voxa-host-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  niftiPath = path.join(dir, 'tiny.nii');
  const voxels = new Int16Array(4 * 3 * 2).map((_, n) => n * 10 - 50);
  await writeNifti(
    {
      geometry: { dimensions: [4, 3, 2], spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      dtype: 'int16',
      voxels,
      meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
    },
    niftiPath,
  );
  const ctx = createWorkstation({ mode: 'host', demoPath: null, nativeDialogs: false });
  ctx.grants.grant(dir);
  server = await startHostServer({ handlers: ctx.handlers, rendererDir: dir, port: 0 });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function connect(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, channel: string, payload: unknown): Promise<{ envelope: { ok: boolean; value?: unknown; error?: { code: string } }; binary: boolean }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      const msg = decodeWire(isBinary ? (data as Buffer) : data.toString()) as { t: string; id: number; envelope: never };
      if (msg.t === 'result' && msg.id === id) {
        ws.off('message', onMessage);
        resolve({ envelope: msg.envelope, binary: isBinary });
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeWire({ t: 'call', id, channel, payload }));
  });
}

const wsUrl = (token: string | null) => `ws://127.0.0.1:${server.port}/ws${token === null ? '' : `?token=${token}`}`;

describe('host server', () => {
  it('listens on loopback only and prints a URL with the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('refuses a WebSocket without the token (401)', async () => {
    await expect(connect(wsUrl(null), server.origin)).rejects.toThrow('HTTP 401');
    await expect(connect(wsUrl('0'.repeat(48)), server.origin)).rejects.toThrow('HTTP 401');
  });

  it('refuses a WebSocket from a foreign Origin even with the token (403)', async () => {
    await expect(connect(wsUrl(server.token), 'http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(connect(wsUrl(server.token), `http://127.0.0.1:${server.port + 1}`)).rejects.toThrow('HTTP 403');
  });

  it('serves calls with the token and own origin; voxels arrive as one binary frame', async () => {
    const ws = await connect(wsUrl(server.token), server.origin);
    const opened = await call(ws, 1, 'volume:open', { path: niftiPath });
    expect(opened.envelope.ok).toBe(true);
    const header = opened.envelope.value as { volumeId: string; geometry: { dimensions: number[] } };
    expect(header.geometry.dimensions).toEqual([4, 3, 2]);
    const voxels = await call(ws, 2, 'volume:voxels', { volumeId: header.volumeId });
    expect(voxels.binary).toBe(true);
    const data = (voxels.envelope.value as { data: ArrayBuffer }).data;
    expect(Array.from(new Int16Array(data))).toEqual(Array.from({ length: 24 }, (_, n) => n * 10 - 50));
    // A chunk of whole k slices: slice 1 of 2 holds voxels 12..23.
    const chunk = await call(ws, 6, 'volume:voxels', { volumeId: header.volumeId, firstSlice: 1, sliceCount: 1 });
    expect(chunk.envelope.value).toMatchObject({ firstSlice: 1, sliceCount: 1 });
    expect(Array.from(new Int16Array((chunk.envelope.value as { data: ArrayBuffer }).data))).toEqual(Array.from({ length: 12 }, (_, n) => (n + 12) * 10 - 50));
    const past = await call(ws, 7, 'volume:voxels', { volumeId: header.volumeId, firstSlice: 1, sliceCount: 2 });
    expect(past.envelope).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const bad = await call(ws, 3, 'volume:open', { path: 17 });
    expect(bad.envelope).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const unknown = await call(ws, 4, 'shell:exec', {});
    expect(unknown.envelope).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const outside = await call(ws, 5, 'volume:open', { path: '/etc/passwd' });
    expect(outside.envelope).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    ws.close();
  });

  it('serves the renderer with a strict Content-Security-Policy and no path traversal', async () => {
    const res = await fetch(`${server.origin}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    const traversal = await fetch(`${server.origin}/..%2f..%2fetc%2fpasswd`);
    expect([403, 404]).toContain(traversal.status);
  });
});
