/**
 * A typed client of a running host from the test process (Node): the same
 * contract and schema checks as the renderer's client, over the `ws` package
 * (which can send the Origin header the host requires). Used to read results
 * back through the API ("read back through the API") and to drive the
 * services where the UI is not under test.
 */
import WebSocket from 'ws';
import type { ChannelName, EventName } from '../../common/contract';
import { decodeWire, encodeWire, type ServerMessage } from '../../common/contract/wireCodec';
import { createClient, type Transport, type VoxaClient } from '../../renderer/src/client/voxaClient';

export interface HostApi extends VoxaClient {
  close: () => void;
}

export async function connectHostApi(hostUrl: string): Promise<HostApi> {
  const url = new URL(hostUrl);
  const wsUrl = `ws://${url.host}/ws?token=${url.searchParams.get('token') ?? ''}`;
  const ws = new WebSocket(wsUrl, { origin: `http://${url.host}` });
  ws.binaryType = 'arraybuffer';
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (envelope: unknown) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  ws.on('message', (data: ArrayBuffer | string, isBinary: boolean) => {
    const msg = decodeWire(isBinary ? new Uint8Array(data as ArrayBuffer) : data.toString()) as ServerMessage;
    if (msg.t === 'result') {
      pending.get(msg.id)?.(msg.envelope);
      pending.delete(msg.id);
    } else for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
  });
  ws.on('close', () => {
    for (const p of pending.values()) p({ ok: false, error: { code: 'INTERNAL', message: 'connection to the Voxa host was lost' } });
    pending.clear();
  });
  const transport: Transport = {
    kind: 'websocket',
    call: (channel: ChannelName, request: unknown) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        ws.send(encodeWire({ t: 'call', id, channel, payload: request }));
      }),
    on: (event: EventName, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
  return Object.assign(createClient(transport), { close: () => ws.close() });
}
