import { z } from 'zod';

/** Every failure that crosses a process boundary carries one of these codes. */
export const ERROR_CODES = [
  'BAD_REQUEST', // the request failed its schema
  'UNKNOWN_CHANNEL', // no such channel in the contract
  'FORBIDDEN', // untrusted sender, or a path that was never granted
  'NOT_FOUND', // a file, volume or entry that does not exist
  'UNSUPPORTED', // valid input that this build cannot handle (e.g. a transfer syntax)
  'CORRUPT_INPUT', // a file that lies about itself: truncated, bad header, bad lengths
  'TOO_LARGE', // refused before allocation
  'EXISTS', // a write would replace an existing file; ask, then repeat with overwrite
  'CANCELLED',
  'TIMEOUT', // a file read (e.g. on a network share) or a PACS did not answer in time
  'PEER', // a PACS refused or failed: the message names the node, the operation and what it answered
  'INTERNAL', // a bug: the message says what failed, without patient data
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Optional structured detail (e.g. the schema issues of a BAD_REQUEST). */
  details: z.array(z.string()).optional(),
});
export type VoxaErrorShape = z.infer<typeof errorSchema>;

/** Schema failures as readable lines: "path.to.field: message" (`root` names a failure of the value as a whole). */
export function issueLines(error: z.ZodError, root = ''): string[] {
  return error.issues.map((i) => `${i.path.join('.') || root}: ${i.message}`);
}

/** A typed error: services throw it, the router passes it to the caller unchanged. */
export class VoxaError extends Error {
  readonly code: ErrorCode;
  readonly details: string[] | undefined;
  constructor(code: ErrorCode, message: string, details?: string[]) {
    super(message);
    this.name = 'VoxaError';
    this.code = code;
    this.details = details;
  }
  toJSON(): VoxaErrorShape {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
  static from(shape: VoxaErrorShape): VoxaError {
    return new VoxaError(shape.code, shape.message, shape.details);
  }
}

export function isVoxaError(e: unknown): e is VoxaError {
  return e instanceof VoxaError;
}
