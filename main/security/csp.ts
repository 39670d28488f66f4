/**
 * The Content-Security-Policy of the renderer, shared by the Electron shell
 * (response header) and host mode. No remote content; scripts only from the
 * app itself; WebGL needs no 'unsafe-eval'. Inline styles are allowed for
 * React's style attributes.
 */
export function contentSecurityPolicy(options: { allowWebSocketOrigin: boolean; meta?: boolean }): string {
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
    // frame-ancestors is ignored in a <meta> policy (browsers warn): headers only.
    ...(options.meta ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}

const META = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/;

/** The policy of the page's own <meta> tag (what applies under file://, where no header exists). */
export function metaPolicy(html: string): string | null {
  return META.exec(html)?.[2] ?? null;
}

/** The page with its <meta> policy replaced (host mode serves index.html with the WebSocket origin allowed). */
export function withMetaPolicy(html: string, policy: string): string {
  if (!META.test(html)) throw new Error('index.html has no Content-Security-Policy meta tag');
  return html.replace(META, (_m, a: string, _b: string, c: string) => `${a}${policy}${c}`);
}
