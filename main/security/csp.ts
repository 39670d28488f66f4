/**
 * The Content-Security-Policy of the renderer, shared by the Electron shell
 * (response header) and host mode. No remote content; scripts only from the
 * app itself; WebGL needs no 'unsafe-eval'. Inline styles are allowed for
 * React's style attributes.
 */
export function contentSecurityPolicy(options: { allowWebSocketOrigin: boolean }): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${options.allowWebSocketOrigin ? ' ws://127.0.0.1:* ws://localhost:*' : ''}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
