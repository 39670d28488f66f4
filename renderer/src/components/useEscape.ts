/** Closes a dialog or panel on Esc wherever the focus is (a keydown on the dialog itself needed focus inside it). */
import { useEffect } from 'react';

export function useEscape(active: boolean, onEscape: () => void): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      onEscape();
    };
    // Capture phase: the dialog closes before the viewer's own Esc handling (which cancels a tool).
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [active, onEscape]);
}
