/**
 * Open volumes are bounded per connection and in all, and a connection's
 * volumes are released when it disconnects (unless another connection still
 * holds them): the host's memory cannot be filled by opening and leaving.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeWire, encodeWire } from '../../common/contract/wireCodec';
import { createHandlers } from '../ipc/handlers';
import { PathGrants } from '../services/access/pathGrants';
import { writeNifti } from '../services/io/niftiWriter';
import { VolumeStore } from '../services/volumeStore';
import { startHostServer, type HostServer } from './hostServer';

let server: HostServer;
let dir: string;
const files: string[] = [];
// 16 KiB volumes; at most 2 per connection and 48 KiB in all.
const volumes = new VolumeStore({ maxVolumes: 10, maxBytes: 48 * 1024, perOwnerVolumes: 2, perOwnerBytes: 40 * 1024 });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'voxa-hostvol-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html>');
  for (let n = 0; n < 4; n++) {
    const f = path.join(dir, `v${n}.nii`);
    await writeNifti(
      {
        geometry: { dimensions: [16, 16, 64], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
        dtype: 'uint8',
        voxels: new Uint8Array(16 * 16 * 64).fill(n),
        meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
      },
      f,
    );
    files.push(f);
  }
  const grants = new PathGrants();
  grants.grant(dir);
  server = await startHostServer({ handlers: createHandlers({ grants, volumes, shell: { info: () => ({}) as never } }), rendererDir: dir, port: 0, onDisconnect: (id) => void volumes.release(id) });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: server.origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

let nextId = 1;
function call(ws: WebSocket, channel: string, payload: unknown): Promise<{ ok: boolean; value?: { volumeId: string }; error?: { code: string; message: string } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      const msg = decodeWire(isBinary ? (data as Buffer) : data.toString()) as { t: string; id: number; envelope: never };
      if (msg.t === 'result' && msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg.envelope);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeWire({ t: 'call', id, channel, payload }));
  });
}

const until = async (cond: () => boolean) => {
  for (let n = 0; n < 100 && !cond(); n++) await new Promise((r) => setTimeout(r, 20));
};

describe('open volumes per connection', () => {
  it('caps each connection and the host, and releases a connection’s volumes when it leaves', async () => {
    const a = await connect();
    expect((await call(a, 'volume:open', { path: files[0] })).ok).toBe(true);
    expect((await call(a, 'volume:open', { path: files[1] })).ok).toBe(true);
    const third = await call(a, 'volume:open', { path: files[2] });
    expect(third).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    expect(third.error?.message).toMatch(/close one first/);
    const b = await connect();
    expect((await call(b, 'volume:open', { path: files[2] })).ok).toBe(true);
    // 48 KiB in all: a fourth 16 KiB volume does not fit, whoever asks.
    const full = await call(b, 'volume:open', { path: files[3] });
    expect(full).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    expect(volumes.stats().volumes).toBe(3);
    a.close();
    await until(() => volumes.stats().volumes === 1);
    expect(volumes.stats()).toEqual({ volumes: 1, bytes: 16 * 1024 });
    expect((await call(b, 'volume:open', { path: files[3] })).ok).toBe(true);
    b.close();
    await until(() => volumes.stats().volumes === 0);
    expect(volumes.stats().volumes).toBe(0);
  });
});
