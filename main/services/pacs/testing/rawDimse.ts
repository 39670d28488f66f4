/**
 * A hand-made DICOM upper-layer client for attack tests of Voxa's listener: it sends what a
 * well-behaved library never would (a C-STORE after being refused, a C-STORE on a rejected
 * presentation context, absurd PDU lengths, nothing at all). Implicit VR little endian.
 */
const pad16 = (s: string) => Buffer.from(s.padEnd(16, ' '), 'ascii');
const item = (type: number, body: Buffer) => {
  const h = Buffer.alloc(4);
  h[0] = type;
  h.writeUInt16BE(body.length, 2);
  return Buffer.concat([h, body]);
};
const uid = (u: string) => Buffer.from(u.length % 2 ? `${u}\0` : u, 'ascii');

export function associateRq(called: string, calling: string, abstract: string, ts = '1.2.840.10008.1.2'): Buffer {
  const appCtx = item(0x10, Buffer.from('1.2.840.10008.3.1.1.1'));
  const pc = item(0x20, Buffer.concat([Buffer.from([1, 0, 0, 0]), item(0x30, Buffer.from(abstract)), item(0x40, Buffer.from(ts))]));
  const maxLen = Buffer.alloc(4);
  maxLen.writeUInt32BE(16384);
  const body = Buffer.concat([Buffer.from([0, 1, 0, 0]), pad16(called), pad16(calling), Buffer.alloc(32), appCtx, pc, item(0x50, item(0x51, maxLen))]);
  const h = Buffer.alloc(6);
  h[0] = 1;
  h.writeUInt32BE(body.length, 2);
  return Buffer.concat([h, body]);
}

function el(group: number, elem: number, value: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(elem, 2);
  h.writeUInt32LE(value.length, 4);
  return Buffer.concat([h, value]);
}
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};

function pdata(payload: Buffer, isCommand: boolean): Buffer {
  const pdvLen = Buffer.alloc(4);
  pdvLen.writeUInt32BE(payload.length + 2);
  const pdv = Buffer.concat([pdvLen, Buffer.from([1, (isCommand ? 1 : 0) | 2]), payload]);
  const h = Buffer.alloc(6);
  h[0] = 4;
  h.writeUInt32BE(pdv.length, 2);
  return Buffer.concat([h, pdv]);
}

/** A C-STORE request (command and data set) on presentation context 1. */
export function cStore(sopClass: string, study: string, series: string, sop: string): Buffer {
  const els = Buffer.concat([el(0, 0x0002, uid(sopClass)), el(0, 0x0100, u16(1)), el(0, 0x0110, u16(7)), el(0, 0x0700, u16(0)), el(0, 0x0800, u16(0)), el(0, 0x1000, uid(sop))]);
  const gl = Buffer.alloc(4);
  gl.writeUInt32LE(els.length);
  const command = Buffer.concat([el(0, 0, gl), els]);
  const data = Buffer.concat([el(8, 0x16, uid(sopClass)), el(8, 0x18, uid(sop)), el(0x10, 0x10, Buffer.from('EVIL^PATIENT')), el(0x20, 0x0d, uid(study)), el(0x20, 0x0e, uid(series))]);
  return Buffer.concat([pdata(command, true), pdata(data, false)]);
}

/** A PDU header that announces `length` bytes (the body never comes). */
export function hugePduHeader(length: number): Buffer {
  const h = Buffer.alloc(6);
  h[0] = 4;
  h.writeUInt32BE(length, 2);
  return h;
}
