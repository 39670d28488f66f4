/** Messages between the inference service and its worker thread (structured clone; tensors transferred). */

export interface WireTensor {
  dtype: 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

export type WorkerRequest =
  | {
      type: 'load';
      id: number;
      modelKey: string;
      /** ONNX files in run order (encoder before decoder). */
      files: string[];
      /** Execution providers to try, in order. */
      providers: string[];
      threads: number;
    }
  | { type: 'run'; id: number; modelKey: string; feeds: Record<string, WireTensor> }
  | { type: 'release'; id: number; modelKey: string };

export interface ProviderAttempt {
  provider: string;
  error?: string;
}

export type WorkerReply =
  | { type: 'loaded'; id: number; provider: string; attempts: ProviderAttempt[]; cached: boolean; loadMs: number }
  | { type: 'result'; id: number; outputs: Record<string, WireTensor>; runMs: number }
  | { type: 'released'; id: number }
  | { type: 'error'; id: number; code: string; message: string };
