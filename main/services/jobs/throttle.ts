/**
 * Rate limiting for progress events: the first value goes out at once, later
 * ones at most every `intervalMs`, the newest held value is sent when the
 * interval ends (so the last value before a pause is never lost), and `flush`
 * sends a held value now.
 */
export interface Throttled<T> {
  /** Sends `value` now if the interval has passed, else holds it (replacing any held value). */
  push: (value: T) => void;
  /** Sends `value` now whatever the interval, dropping any held value. */
  now: (value: T) => void;
  /** Drops a held value and stops the timer; later calls send nothing. */
  close: () => void;
}

export function throttle<T>(emit: (value: T) => void, intervalMs: number): Throttled<T> {
  let lastSent = -Infinity;
  let held: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const send = (value: T) => {
    held = null;
    if (timer) clearTimeout(timer);
    timer = null;
    lastSent = Date.now();
    emit(value);
  };
  return {
    push: (value) => {
      if (closed) return;
      const wait = lastSent + intervalMs - Date.now();
      if (wait <= 0) {
        send(value);
        return;
      }
      held = { value };
      if (!timer) {
        timer = setTimeout(() => {
          timer = null;
          if (held) send(held.value);
        }, wait);
        // A held progress event must not keep a CLI process alive.
        if (typeof timer === 'object' && 'unref' in timer) timer.unref();
      }
    },
    now: (value) => {
      if (!closed) send(value);
    },
    close: () => {
      closed = true;
      held = null;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
