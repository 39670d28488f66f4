/** File-browser icons as inline SVG (emoji rendered as empty boxes on Linux without an emoji font). */
export function FileIcon({ kind }: { kind: 'directory' | 'volume' | 'file' }) {
  const common = { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': true, focusable: false } as const;
  if (kind === 'directory') {
    return (
      <svg {...common} data-icon="folder">
        <path d="M1.5 3.5h4l1.5 1.5h7.5v8h-13z" fill="#c9a24a" stroke="#8a6d2a" strokeWidth="1" />
      </svg>
    );
  }
  if (kind === 'volume') {
    return (
      <svg {...common} data-icon="volume">
        <path d="M3 4.5l5-2.5 5 2.5v7l-5 2.5-5-2.5z" fill="#4a7fc9" stroke="#2a4f8a" strokeWidth="1" />
        <path d="M3 4.5l5 2.5 5-2.5M8 7v7" fill="none" stroke="#cfe0f5" strokeWidth="0.8" />
      </svg>
    );
  }
  return (
    <svg {...common} data-icon="file">
      <path d="M3.5 1.5h6l3 3v10h-9z" fill="#aeb6c2" stroke="#6b7380" strokeWidth="1" />
      <path d="M9.5 1.5v3h3" fill="none" stroke="#6b7380" strokeWidth="1" />
    </svg>
  );
}
