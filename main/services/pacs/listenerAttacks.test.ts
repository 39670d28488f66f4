/**
 * Voxa's DICOM listener against a hostile client (the review of issue 18): a refused association
 * gets no further (dcmjs-dimse went on filing C-STOREs sent after the A-ASSOCIATE-RJ, and on
 * presentation contexts that were rejected), a PDU announcing gigabytes drops the connection
 * before anything is buffered, and a silent connection does not hold a place.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstanceStore } from './instanceStore';
import { DicomListener } from './listener';
import { associateRq, cStore, hugePduHeader } from './testing/rawDimse';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const FIND = '1.2.840.10008.5.1.4.1.2.2.1';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-listener-attacks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const files = (d: string): string[] => {
  try {
    return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : [e.name]));
  } catch {
    return [];
  }
};

let listener: DicomListener;
let root = '';
let port = 0;
beforeEach(async () => {
  root = mkdtempSync(path.join(tmp, 'store-'));
  listener = new DicomListener({ host: '127.0.0.1', port: 0, aet: 'VOXA', allowedCallers: () => ['GOOD'], store: new InstanceStore(root), timeoutMs: 1500 });
  port = await listener.start();
});
afterEach(() => listener.stop());

/** Connects, sends `first`, then after a pause `then`; resolves with the PDU types received and whether the listener closed the socket. */
function talk(first: Buffer, then?: Buffer, waitMs = 800): Promise<{ types: number[]; closedByListener: boolean; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect(port, '127.0.0.1');
    const types: number[] = [];
    let closed = false;
    s.on('data', (d) => types.push(d[0]!));
    s.on('error', () => undefined);
    s.on('close', () => {
      closed = true;
    });
    s.write(first);
    setTimeout(() => {
      if (then && !s.destroyed) s.write(then);
    }, 300);
    setTimeout(() => {
      s.destroy();
      resolve({ types, closedByListener: closed, ms: Date.now() - t0 });
    }, waitMs);
  });
}

describe('DICOM listener against a hostile client', () => {
  it.each([
    ['an unknown calling AE title', associateRq('VOXA', 'EVIL', CT)],
    ['a wrong called AE title', associateRq('NOTVOXA', 'GOOD', CT)],
  ])('%s: rejected (A-ASSOCIATE-RJ), the connection closed, and a C-STORE sent anyway files nothing', async (_what, rq) => {
    const r = await talk(rq, cStore(CT, '1.2.3', '1.2.3.4', '1.2.3.4.5'));
    expect(r.types[0]).toBe(3); // A-ASSOCIATE-RJ
    expect(r.types).not.toContain(4); // no P-DATA answer (no C-STORE-RSP)
    expect(r.closedByListener).toBe(true);
    expect(files(root)).toEqual([]);
    expect(listener.status()).toMatchObject({ received: 0, refused: 1 });
  });

  it('a C-STORE on a presentation context that was rejected (Study Root FIND) is refused, not filed', async () => {
    const r = await talk(associateRq('VOXA', 'GOOD', FIND), cStore(CT, '1.2.3', '1.2.3.4', '1.2.3.4.6'));
    expect(r.types[0]).toBe(2); // A-ASSOCIATE-AC (with the context rejected)
    expect(files(root)).toEqual([]);
    expect(listener.status().received).toBe(0);
  });

  it('the same C-STORE from an allowed caller on an accepted CT context is filed (the tests above can fail)', async () => {
    await talk(associateRq('VOXA', 'GOOD', CT), cStore(CT, '1.2.3', '1.2.3.4', '1.2.3.4.7'));
    expect(files(root)).toEqual(['1.2.3.4.7.dcm']);
    expect(listener.status().received).toBe(1);
  });

  it('a PDU announcing 3 GB: the connection is dropped at once, nothing is buffered', async () => {
    const r = await talk(hugePduHeader(3_000_000_000), Buffer.alloc(64 * 1024, 7), 600);
    expect(r.closedByListener).toBe(true);
    expect(files(root)).toEqual([]);
  });

  it('a connection that never sends an association request is closed after the deadline', async () => {
    const r = await talk(Buffer.alloc(0), undefined, 2500);
    expect(r.closedByListener).toBe(true);
  });
});
