/**
 * DICOMweb against misbehaving servers (the review of issue 18), on local HTTP servers made here:
 * a server that drips its answer times out and a retrieve cancels (xhr2's abort used to leave
 * dicomweb-client's promise pending forever), and a redirect to another origin is refused, so the
 * bearer token never reaches it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VoxaError } from '../../../common/contract';
import { DicomWebPeer } from './dicomWebPeer';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});
async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
/** Answers with JSON headers, then one byte every 300 ms, never ending. */
const drip: http.RequestListener = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
  const t = setInterval(() => res.write(' '), 300);
  res.on('close', () => clearInterval(t));
};
const peer = (url: string, o: Partial<{ timeoutMs: number; auth: 'none' | 'bearer' }> = {}, secret: string | null = null) =>
  new DicomWebPeer({ kind: 'dicomweb', name: 'web', url: `${url}/dicom-web`, auth: o.auth ?? 'none', timeoutMs: o.timeoutMs ?? 1000 }, secret);

describe('DICOMweb against misbehaving servers', () => {
  it('an answer that drips forever ends in TIMEOUT, not a hang', async () => {
    const url = await serve(drip);
    const t0 = Date.now();
    const e = await peer(url).findStudies({ limit: 10 }, new AbortController().signal).catch((x: unknown) => x as VoxaError);
    expect(e).toBeInstanceOf(VoxaError);
    expect((e as VoxaError).code).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 15_000);

  it('a cancel ends the call at once (CANCELLED)', async () => {
    const url = await serve(drip);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const t0 = Date.now();
    const e = await peer(url, { timeoutMs: 60_000 }).findStudies({ limit: 10 }, ac.signal).catch((x: unknown) => x as VoxaError);
    expect((e as VoxaError).code).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(2000);
  }, 15_000);

  it('a redirect to another origin is refused and the token does not follow', async () => {
    const seen: (string | undefined)[] = [];
    const other = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
      res.end('[]');
    });
    const url = await serve((req, res) => {
      res.writeHead(302, { Location: `${other}${req.url}` });
      res.end();
    });
    const e = await peer(url, { auth: 'bearer' }, 'SECRET-TOKEN').echo(new AbortController().signal).catch((x: unknown) => x as VoxaError);
    expect((e as VoxaError).code).toBe('PEER');
    expect((e as VoxaError).message).toMatch(/redirected to .*does not follow redirects/);
    expect((e as VoxaError).message).not.toContain('SECRET');
    expect(seen).toEqual([]);
  }, 15_000);
});
