/**
 * The one way a cancelled job ends: a VoxaError with code CANCELLED, the code
 * the contract already carries to clients (common/contract/errors.ts).
 */
import { VoxaError } from '../../../common/contract';

/** What a prompt (or any call sharing a supersede key) rejects with when a newer one replaces it. */
export const SUPERSEDED = 'superseded by a newer prompt or cancelled';

export function cancelledError(message = 'cancelled'): VoxaError {
  return new VoxaError('CANCELLED', message);
}

/** Throws CANCELLED when `signal` has aborted (between steps of a long job). */
export function throwIfCancelled(signal: AbortSignal | undefined, message = 'cancelled'): void {
  if (signal?.aborted) throw cancelledError(message);
}

/** A CANCELLED VoxaError, or the platform's AbortError (AbortSignal.throwIfAborted, fetch, fs). */
export function isCancellation(e: unknown): boolean {
  return (e instanceof VoxaError && e.code === 'CANCELLED') || (e instanceof Error && e.name === 'AbortError');
}
