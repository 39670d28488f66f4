/**
 * Worker-thread entry: decodes frames sent by {@link DecodePool}. Each message
 * is { id, spec, bytes }; the reply is { id, pixels } (buffer transferred) or
 * { id, error: { code, message } } so typed errors survive the thread hop.
 */
import { parentPort } from 'node:worker_threads';
import { isVoxaError } from '../../../../common/contract';
import { decodeFrameBytes } from './frameCodecs';
import type { FrameSpec } from './storedPixels';

interface Job {
  id: number;
  spec: FrameSpec;
  bytes: Uint8Array;
}

parentPort?.on('message', (job: Job) => {
  decodeFrameBytes(job.spec, job.bytes).then(
    (pixels) => parentPort?.postMessage({ id: job.id, pixels }, [pixels.buffer as ArrayBuffer]),
    (e: unknown) =>
      parentPort?.postMessage({
        id: job.id,
        error: isVoxaError(e) ? { code: e.code, message: e.message } : { code: 'CORRUPT_INPUT', message: `decoder failed: ${e instanceof Error ? e.message.slice(0, 160) : String(e).slice(0, 160)}` },
      }),
  );
});
