/**
 * Who Esc closes when several dialogs and panels are open: the one opened last
 * (a Save as… dialog over the RECIST panel closes first, then the panel), and
 * only that one. Pure, so the order is tested without a DOM (useEscape.ts
 * wires it to the window).
 */
export interface EscapeStack {
  /** Adds a handler on top; the returned function removes it (wherever it is by then). */
  push(onEscape: () => void): () => void;
  /** Runs the top handler for an Esc key; true when one ran (the key is then used up). */
  handle(key: string): boolean;
  readonly size: number;
}

export function createEscapeStack(): EscapeStack {
  const stack: { run: () => void }[] = [];
  return {
    push(onEscape) {
      const entry = { run: onEscape };
      stack.push(entry);
      return () => {
        const i = stack.indexOf(entry);
        if (i >= 0) stack.splice(i, 1);
      };
    },
    handle(key) {
      if (key !== 'Escape') return false;
      const top = stack[stack.length - 1];
      if (!top) return false;
      top.run();
      return true;
    },
    get size() {
      return stack.length;
    },
  };
}
