/** The application version, injected by the build from package.json. */
declare const __VOXA_VERSION__: string | undefined;
export const VERSION: string = typeof __VOXA_VERSION__ === 'string' ? __VOXA_VERSION__ : '0.0.0-dev';
