/**
 * Routes contract calls to service handlers, whatever the transport
 * (Electron IPC or the host-mode WebSocket).
 *
 * - `Handlers` is a mapped type over the contract: leaving a channel out is a
 *   compile error.
 * - Every call is checked in this order: known channel, trusted sender, request
 *   schema; the handler's result is checked against the response schema.
 * - Failures come back as a typed envelope (code + message), never as raw
 *   exceptions; unexpected exceptions become INTERNAL without stack or paths.
 */
import {
  contract,
  isChannelName,
  issueLines,
  VoxaError,
  type ChannelName,
  type ChannelParsedRequest,
  type ChannelResponse,
  type Envelope,
  type EventName,
  type EventPayload,
} from '../../common/contract';

/** Who sent a call. The router asks the transport's trust policy about it. */
export type CallSender =
  | { kind: 'electron'; frameUrl: string }
  | { kind: 'websocket'; origin: string; authenticated: boolean; connectionId?: string }
  | { kind: 'internal' };

export interface CallContext {
  sender: CallSender;
  /** Emits a main-to-renderer event to the caller's window or socket. */
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  signal: AbortSignal;
}

export type Handler<C extends ChannelName> = (
  request: ChannelParsedRequest<C>,
  ctx: CallContext,
) => Promise<ChannelResponse<C>> | ChannelResponse<C>;

export type Handlers = { [C in ChannelName]: Handler<C> };

/** The handlers of one domain's channels (one file per domain under common/contract/channels). */
export type DomainHandlers<Channels> = { [C in keyof Channels & ChannelName]: Handler<C> };

export interface RouterOptions {
  isTrustedSender: (sender: CallSender) => boolean;
  /** Called with every non-typed exception, for the log (no patient data is added here). */
  onInternalError?: (channel: string, error: unknown) => void;
}

export class Router {
  constructor(
    private readonly handlers: Handlers,
    private readonly options: RouterOptions,
  ) {}

  async dispatch(channel: string, payload: unknown, ctx: CallContext): Promise<Envelope<unknown>> {
    try {
      if (!isChannelName(channel)) {
        throw new VoxaError('UNKNOWN_CHANNEL', `unknown channel "${truncate(channel)}"`);
      }
      if (!this.options.isTrustedSender(ctx.sender)) {
        throw new VoxaError('FORBIDDEN', `sender not allowed to call "${channel}"`);
      }
      const value = await this.call(channel, payload, ctx);
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toErrorShape(channel, error, this.options.onInternalError) };
    }
  }

  private async call<C extends ChannelName>(channel: C, payload: unknown, ctx: CallContext): Promise<ChannelResponse<C>> {
    const spec = contract[channel];
    const parsed = spec.req.safeParse(payload ?? {});
    if (!parsed.success) {
      throw new VoxaError(
        'BAD_REQUEST',
        `request for "${channel}" does not match its schema`,
        issueLines(parsed.error, '(root)'),
      );
    }
    const handler = this.handlers[channel] as Handler<C>;
    const result = await handler(parsed.data as ChannelParsedRequest<C>, ctx);
    const checked = spec.res.safeParse(result);
    if (!checked.success) {
      throw new Error(`handler for "${channel}" returned a response that fails its schema: ${checked.error.message}`);
    }
    return checked.data as ChannelResponse<C>;
  }
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

function toErrorShape(channel: string, error: unknown, onInternal?: (channel: string, error: unknown) => void) {
  if (error instanceof VoxaError) return error.toJSON();
  if (error instanceof Error && error.name === 'AbortError') return { code: 'CANCELLED' as const, message: 'cancelled' };
  onInternal?.(channel, error);
  return { code: 'INTERNAL' as const, message: `internal error in "${truncate(channel)}"` };
}
