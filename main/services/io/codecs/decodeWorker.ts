/**
 * Worker-thread entry: decodes frames sent by {@link DecodePool}. Each message
 * is { id, spec, bytes } (reply { id, pixels } with the buffer transferred, or
 * { id, error: { code, message } } so typed errors survive the thread hop), or
 * { warm: transferSyntax, module } to instantiate that codec (from the WASM
 * module the main thread compiled once) before the first frame.
 *
 * Jobs run one at a time and each reply is posted as soon as its frame is done
 * (a batch of messages delivered together would otherwise all be decoded before
 * the first reply leaves, and the main thread would wait for the whole batch).
 */
import { parentPort } from 'node:worker_threads';
import { isVoxaError } from '../../../../common/contract';
import { decodeFrameBytes, useCodecModule, warmCodec } from './frameCodecs';
import type { FrameSpec } from './storedPixels';

interface Job {
  id: number;
  spec: FrameSpec;
  bytes: Uint8Array;
}
type Message = Job | { warm: string; module: WebAssembly.Module | null };

const queue: Job[] = [];
let running = false;

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  for (let job = queue.shift(); job; job = queue.shift()) {
    const { id, spec, bytes } = job;
    try {
      const pixels = await decodeFrameBytes(spec, bytes);
      parentPort?.postMessage({ id, pixels }, [pixels.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort?.postMessage({
        id,
        error: isVoxaError(e) ? { code: e.code, message: e.message } : { code: 'CORRUPT_INPUT', message: `decoder failed: ${e instanceof Error ? e.message.slice(0, 160) : String(e).slice(0, 160)}` },
      });
    }
    await new Promise<void>((resolve) => setImmediate(resolve)); // let the reply go out before the next frame
  }
  running = false;
}

parentPort?.on('message', (msg: Message) => {
  if ('warm' in msg) {
    if (msg.module) useCodecModule(msg.warm, msg.module);
    warmCodec(msg.warm).catch(() => undefined); // a codec that fails to load fails again, with its error, on the first frame
    return;
  }
  queue.push(msg);
  void drain();
});
