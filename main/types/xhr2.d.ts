// xhr2 (Node's XMLHttpRequest for dicomweb-client) ships no typings: the parts Voxa uses.
declare module 'xhr2' {
  import type { Agent as HttpAgent } from 'node:http';
  import type { Agent as HttpsAgent } from 'node:https';
  class XMLHttpRequest {
    timeout: number;
    readonly readyState: number;
    readonly status: number;
    abort(): void;
    nodejsSet(options: { httpAgent?: HttpAgent; httpsAgent?: HttpsAgent }): void;
    /** Internal: handles each HTTP response (redirects are followed here). */
    protected _onHttpResponse(request: unknown, response: { statusCode?: number; headers: Record<string, string | string[] | undefined> }): void;
  }
  export default XMLHttpRequest;
}
