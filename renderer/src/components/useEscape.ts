/**
 * Closes a dialog or panel on Esc wherever the focus is (a keydown on the dialog itself needed focus
 * inside it). Of several open, the one opened last closes, and only it (escapeStack.ts): a Save as…
 * dialog over the Ask panel closed both, or neither when the panel had no handler.
 */
import { useEffect, useRef } from 'react';
import { createEscapeStack } from './escapeStack';

const stack = createEscapeStack();
let listening = false;

function listen() {
  if (listening) return;
  listening = true;
  // Capture phase: the dialog closes before the viewer's own Esc handling (which cancels a tool).
  window.addEventListener(
    'keydown',
    (e) => {
      if (!stack.handle(e.key)) return;
      e.preventDefault();
      e.stopPropagation();
    },
    true,
  );
}

export function useEscape(active: boolean, onEscape: () => void): void {
  // The latest callback, without re-stacking on every render (that would move this one on top of a dialog opened later).
  const latest = useRef(onEscape);
  useEffect(() => {
    latest.current = onEscape;
  });
  useEffect(() => {
    if (!active) return;
    listen();
    return stack.push(() => latest.current());
  }, [active]);
}
