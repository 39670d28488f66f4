import { describe, expect, it, vi } from 'vitest';
import { CHANNELS, VoxaError } from '../../common/contract';
import { Router, type CallContext, type Handlers } from './router';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const fail = () => {
    throw new Error('not used');
  };
  // Every channel (each domain's too) fails unless a test gives it a handler.
  const all = Object.fromEntries(CHANNELS.map((c) => [c, fail])) as unknown as Handlers;
  return {
    ...all,
    'app:info': () => ({ version: '1.2.3', mode: 'host', platform: 'linux', nativeDialogs: false, demoPath: null }),
    'dialog:open': fail,
    'fs:roots': fail,
    'fs:list': fail,
    'volume:open': fail,
    'volume:voxels': fail,
    'volume:close': ({ volumeId }) => ({ closed: volumeId === 'known' }),
    ...overrides,
  };
}

const ctx = (trusted = true): CallContext => ({
  sender: trusted ? { kind: 'internal' } : { kind: 'websocket', origin: 'http://evil.example', authenticated: true },
  emit: () => undefined,
  signal: new AbortController().signal,
});

const router = (h = handlers()) => new Router(h, { isTrustedSender: (s) => s.kind === 'internal' });

describe('Router', () => {
  it('routes a valid call and returns the parsed response', async () => {
    const r = await router().dispatch('volume:close', { volumeId: 'known' }, ctx());
    expect(r).toEqual({ ok: true, value: { closed: true } });
  });

  it('rejects a request that fails its schema with BAD_REQUEST and the failing field', async () => {
    const r = await router().dispatch('volume:close', { volumeId: 42 }, ctx());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('BAD_REQUEST');
    expect(r.error.details?.join(' ')).toMatch(/volumeId/);
  });

  it('rejects an unknown channel with UNKNOWN_CHANNEL', async () => {
    const r = await router().dispatch('fs:delete', { path: '/' }, ctx());
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    // Object prototype names are not channels either.
    const p = await router().dispatch('constructor', {}, ctx());
    expect(p).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('rejects an untrusted sender before the handler runs', async () => {
    const spy = vi.fn(() => ({ closed: true }));
    const r = await router(handlers({ 'volume:close': spy })).dispatch('volume:close', { volumeId: 'x' }, ctx(false));
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(spy).not.toHaveBeenCalled();
  });

  it('passes typed service errors through unchanged', async () => {
    const h = handlers({
      'volume:close': () => {
        throw new VoxaError('NOT_FOUND', 'volume x is not open');
      },
    });
    const r = await router(h).dispatch('volume:close', { volumeId: 'x' }, ctx());
    expect(r).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'volume x is not open' } });
  });

  it('hides unexpected exceptions behind INTERNAL without their message', async () => {
    const onInternalError = vi.fn();
    const h = handlers({
      'volume:close': () => {
        throw new Error('secret path /home/patient/DOE_JOHN');
      },
    });
    const r = await new Router(h, { isTrustedSender: () => true, onInternalError }).dispatch('volume:close', { volumeId: 'x' }, ctx());
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(r)).not.toMatch(/DOE_JOHN/);
    expect(onInternalError).toHaveBeenCalledOnce();
  });

  it('treats a handler response that fails its schema as an internal error', async () => {
    const h = handlers({ 'volume:close': () => ({ closed: 'yes' }) as unknown as { closed: boolean } });
    const r = await router(h).dispatch('volume:close', { volumeId: 'x' }, ctx());
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('needs a handler for every channel (compile-time)', () => {
    const { 'app:info': _dropped, ...rest } = handlers();
    // @ts-expect-error — a Handlers object without 'app:info' must not compile.
    const incomplete: Handlers = rest;
    expect(Object.keys(incomplete)).toHaveLength(CHANNELS.length - 1);
  });
});
