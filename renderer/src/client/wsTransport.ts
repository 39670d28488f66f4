/** The host-mode transport: one WebSocket to the loopback server, authenticated by the launch token. */
import { decodeWire, encodeWire, type ServerMessage } from '../../../common/contract/wireCodec';
import type { ChannelName, EventName } from '../../../common/contract';
import type { Transport } from './voxaClient';

export function wsTransport(url: string): Transport {
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const connect = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        socket = ws;
        opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        opening = null;
        reject(new Error('cannot connect to the Voxa host (is the token in the address right?)'));
      };
      ws.onclose = () => {
        socket = null;
        for (const p of pending.values()) p.resolve({ ok: false, error: { code: 'INTERNAL', message: 'connection to the Voxa host was lost' } });
        pending.clear();
      };
      ws.onmessage = (ev: MessageEvent<string | ArrayBuffer>) => {
        let msg: ServerMessage;
        try {
          msg = decodeWire(ev.data) as ServerMessage;
        } catch {
          return;
        }
        if (msg.t === 'result') {
          const p = pending.get(msg.id);
          pending.delete(msg.id);
          p?.resolve(msg.envelope);
        } else if (msg.t === 'event') {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        }
      };
    });
    return opening;
  };

  return {
    kind: 'websocket',
    async call(channel: ChannelName, request: unknown) {
      const ws = await connect();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const frame = encodeWire({ t: "call", id, channel, payload: request });
        ws.send(typeof frame === "string" ? frame : (frame.buffer as ArrayBuffer));
      });
    },
    on(event: EventName, listener: (payload: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      void connect().catch(() => undefined);
      return () => set.delete(listener);
    },
  };
}

/** The socket URL for the page the renderer was served from (token from `?token=`). */
export function hostSocketUrl(location: { protocol: string; host: string; search: string }): string | null {
  const token = new URLSearchParams(location.search).get('token');
  if (!token || !location.protocol.startsWith('http')) return null;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
}
