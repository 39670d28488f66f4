/**
 * The Electron shell's security options and handlers, checked with fakes:
 * the Electron binary cannot be downloaded on the development machines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as E from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, DROPPED_PATHS_CHANNEL } from '../../common/contract';
import { startShell, windowOptions, type ElectronModules, type WindowLike } from './electronShell';
import { contentSecurityPolicy, metaPolicy } from '../security/csp';

const paths = { rendererHtml: '/opt/voxa/dist/renderer/index.html', preload: '/opt/voxa/dist/preload/preload.cjs' };

const saveOptions: E.SaveDialogOptions[] = [];

function fakes(options: { lock?: boolean; dialogPath?: string; savePath?: string } = {}) {
  const appListeners = new Map<string, (...args: never[]) => void>();
  const ipcHandlers = new Map<string, (event: E.IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  const windows: { options: E.BrowserWindowConstructorOptions; loaded: string[] }[] = [];
  let headersHook: ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | null = null;
  let menuTemplate: E.MenuItemConstructorOptions[] = [];
  let permissionRequest: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null = null;
  let permissionCheck: ((...args: unknown[]) => boolean) | null = null;
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  const quit = vi.fn();

  class FakeWindow implements WindowLike {
    webContents = { send: vi.fn() };
    constructor(opts: E.BrowserWindowConstructorOptions) {
      windows.push({ options: opts, loaded: [] });
    }
    loadFile(file: string) {
      windows[windows.length - 1]?.loaded.push(file);
      return Promise.resolve();
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
  }

  const modules = {
    app: {
      requestSingleInstanceLock: () => options.lock ?? true,
      quit,
      whenReady: () => whenReady,
      getPath: () => os.tmpdir(),
      on: (event: string, listener: (...args: never[]) => void) => appListeners.set(event, listener),
    },
    BrowserWindow: FakeWindow,
    ipcMain: { handle: (channel: string, fn: (event: E.IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>) => ipcHandlers.set(channel, fn) },
    dialog: {
      showOpenDialog: vi.fn(async () => ({ canceled: !options.dialogPath, filePaths: options.dialogPath ? [options.dialogPath] : [] })),
      showSaveDialog: vi.fn(async (o: E.SaveDialogOptions) => {
        saveOptions.push(o);
        return { canceled: !options.savePath, filePath: options.savePath ?? '' };
      }),
    },
    Menu: {
      buildFromTemplate: (t: E.MenuItemConstructorOptions[]) => {
        menuTemplate = t;
        return {} as E.Menu;
      },
      setApplicationMenu: vi.fn(),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof permissionRequest) => {
          permissionRequest = fn;
        },
        setPermissionCheckHandler: (fn: typeof permissionCheck) => {
          permissionCheck = fn;
        },
        webRequest: {
          onHeadersReceived: (fn: typeof headersHook) => {
            headersHook = fn;
          },
        },
      },
    },
  } as unknown as ElectronModules;
  return {
    modules,
    appListeners,
    ipcHandlers,
    windows,
    quit,
    ready: async () => {
      ready();
      await whenReady;
      await new Promise((r) => setTimeout(r, 0));
    },
    headersHook: () => headersHook,
    permissions: () => ({ request: permissionRequest, check: permissionCheck }),
    menu: () => menuTemplate,
  };
}

const invokeEvent = (url: string) => ({ senderFrame: { url }, sender: { send: vi.fn() } }) as unknown as E.IpcMainInvokeEvent;

let tmp: string | null = null;
afterEach(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = null;
});

describe('Electron shell', () => {
  it('creates the window isolated, sandboxed, without Node, with web security', async () => {
    const f = fakes();
    startShell(f.modules, paths);
    await f.ready();
    expect(f.windows).toHaveLength(1);
    const wp = f.windows[0]?.options.webPreferences;
    expect(wp).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: paths.preload });
    expect(wp?.allowRunningInsecureContent).toBe(false);
    expect(f.windows[0]?.loaded).toEqual([paths.rendererHtml]);
    expect(windowOptions(paths).webPreferences?.nodeIntegrationInWorker).toBe(false);
  });

  it('adds a strict Content-Security-Policy to every response', async () => {
    const f = fakes();
    startShell(f.modules, paths);
    await f.ready();
    let headers: Record<string, string[]> = {};
    f.headersHook()?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers['X-Other']).toEqual(['1']);
    const csp = headers['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('ws://');
  });

  it('denies every permission request and check', async () => {
    const f = fakes();
    startShell(f.modules, paths);
    await f.ready();
    const { request, check } = f.permissions();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'openExternal']) {
      let granted: boolean | null = null;
      request?.({}, permission, (g) => (granted = g));
      expect(granted, permission).toBe(false);
      expect(check?.({}, permission, 'file://', {})).toBe(false);
    }
  });

  it('blocks navigation of every frame, redirects, webviews and new windows', () => {
    const f = fakes();
    startShell(f.modules, paths);
    const listeners = new Map<string, (e: { preventDefault: () => void }) => void>();
    let openHandler: (() => { action: string }) | null = null;
    const contents = { on: (ev: string, fn: (e: { preventDefault: () => void }) => void) => listeners.set(ev, fn), setWindowOpenHandler: (fn: () => { action: string }) => (openHandler = fn) };
    (f.appListeners.get('web-contents-created') as unknown as (e: unknown, c: unknown) => void)({}, contents);
    for (const ev of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      listeners.get(ev)?.({ preventDefault });
      expect(preventDefault, ev).toHaveBeenCalled();
    }
    expect(openHandler).not.toBeNull();
    expect((openHandler as unknown as () => { action: string })()).toEqual({ action: 'deny' });
  });

  it("the policy that applies under file:// — index.html's own <meta> — is the strict one", async () => {
    const { readFile } = await import('node:fs/promises');
    const html = await readFile(path.resolve(__dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = metaPolicy(html);
    expect(meta).toBe(contentSecurityPolicy({ allowWebSocketOrigin: false, meta: true }));
    expect(meta).not.toContain('ws:');
    expect(meta).not.toContain('unsafe-eval');
    expect(meta).toContain("script-src 'self'");
  });

  it('grants and imports paths dropped from the OS, only from its own page', async () => {
    const f = fakes();
    const shell = startShell(f.modules, paths)!;
    tmp = await mkdtemp(path.join(os.tmpdir(), 'voxa-drop-'));
    const handler = f.ipcHandlers.get(DROPPED_PATHS_CHANNEL)!;
    const foreign = invokeEvent('https://evil.example/');
    expect(await handler(foreign, [tmp])).toEqual({ imported: 0 });
    expect(foreign.sender.send).not.toHaveBeenCalled();
    await expect(shell.services.grants.check(tmp)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const own = invokeEvent(pathToFileURL(paths.rendererHtml).href);
    expect(await handler(own, [tmp, path.join(tmp, 'missing'), 42])).toEqual({ imported: 1 });
    const real = await shell.services.grants.check(tmp);
    expect(own.sender.send).toHaveBeenCalledWith('event:app:openPath', { path: real, action: 'import' });
  });

  it('denies navigation, new windows and webviews in every web contents', () => {
    const f = fakes();
    startShell(f.modules, paths);
    const contentsListeners = new Map<string, (e: { preventDefault: () => void }) => void>();
    let openHandler: (() => { action: string }) | null = null;
    const contents = {
      on: (event: string, fn: (e: { preventDefault: () => void }) => void) => contentsListeners.set(event, fn),
      setWindowOpenHandler: (fn: () => { action: string }) => (openHandler = fn),
    };
    (f.appListeners.get('web-contents-created') as unknown as (e: unknown, c: unknown) => void)({}, contents);
    const nav = { preventDefault: vi.fn() };
    contentsListeners.get('will-navigate')?.(nav);
    expect(nav.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    contentsListeners.get('will-attach-webview')?.(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(openHandler).not.toBeNull();
    expect(openHandler!()).toEqual({ action: 'deny' });
  });

  it('quits when another instance holds the single-instance lock', () => {
    const f = fakes({ lock: false });
    expect(startShell(f.modules, paths)).toBeNull();
    expect(f.quit).toHaveBeenCalled();
    expect(f.ipcHandlers.size).toBe(0);
  });

  it('registers one IPC handler per contract channel (plus dropped paths) and checks the sender frame', async () => {
    const f = fakes();
    startShell(f.modules, paths);
    expect([...f.ipcHandlers.keys()].sort()).toEqual([...CHANNELS, DROPPED_PATHS_CHANNEL].sort());
    const handler = f.ipcHandlers.get('app:info')!;
    const own = await handler(invokeEvent(pathToFileURL(paths.rendererHtml).href), {});
    expect(own).toMatchObject({ ok: true, value: { mode: 'electron', nativeDialogs: true } });
    const foreign = await handler(invokeEvent('https://evil.example/'), {});
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const bad = await f.ipcHandlers.get('volume:open')!(invokeEvent(pathToFileURL(paths.rendererHtml).href), { path: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('has File → Open DICOM folder…, Open NIfTI…, Quit', async () => {
    const f = fakes();
    startShell(f.modules, paths);
    await f.ready();
    const file = f.menu().find((m) => m.label === 'File');
    const labels = (file?.submenu as E.MenuItemConstructorOptions[]).filter((i) => i.type !== 'separator').map((i) => i.label);
    expect(labels).toEqual(['Open DICOM folder…', 'Open NIfTI…', 'Quit']);
  });

  it('services read only what a dialog granted', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'voxa-shell-'));
    const chosen = path.join(tmp, 'picked');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(chosen);
    const f = fakes({ dialogPath: chosen });
    const shell = startShell(f.modules, paths)!;
    const own = invokeEvent(pathToFileURL(paths.rendererHtml).href);
    // Before the dialog: refused.
    const before = await f.ipcHandlers.get('fs:list')!(own, { path: chosen });
    expect(before).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const dialog = await f.ipcHandlers.get('dialog:open')!(own, { kind: 'dicomFolder' });
    expect(dialog).toMatchObject({ ok: true });
    const after = await f.ipcHandlers.get('fs:list')!(own, { path: chosen });
    expect(after).toMatchObject({ ok: true, value: { entries: [] } });
    // A sibling of the granted folder stays refused.
    const sibling = await f.ipcHandlers.get('fs:list')!(own, { path: tmp });
    expect(sibling).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The dialog's folder, and the user-data folders exports and retrieved PACS studies go to.
    expect(shell.services.grants.roots().map((r) => r.label).sort()).toEqual(['Exports', 'PACS', 'picked']);
  });

  it('dialog:save: the native Save dialog (suggested name, in the exports folder first); the chosen folder becomes writable', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'voxa-shell-'));
    const { mkdir } = await import('node:fs/promises');
    const target = path.join(tmp, 'reports');
    await mkdir(target);
    const f = fakes({ savePath: path.join(target, 'lesion-seg.dcm') });
    const shell = startShell(f.modules, paths)!;
    const own = invokeEvent(pathToFileURL(paths.rendererHtml).href);
    const before = await f.ipcHandlers.get('fs:list')!(own, { path: target });
    expect(before).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const r = await f.ipcHandlers.get('dialog:save')!(own, { suggestedName: 'PACS TEST seg.dcm', filters: [{ name: 'DICOM SEG', extensions: ['dcm'] }] });
    expect(r).toMatchObject({ ok: true, value: { path: path.join(await (await import('node:fs/promises')).realpath(target), 'lesion-seg.dcm') } });
    expect(saveOptions.at(-1)).toMatchObject({ defaultPath: path.join(os.tmpdir(), 'exports', 'PACS TEST seg.dcm'), filters: [{ name: 'DICOM SEG', extensions: ['dcm'] }] });
    const after = await f.ipcHandlers.get('fs:list')!(own, { path: target });
    expect(after).toMatchObject({ ok: true });
    expect(shell.services.grants.roots().some((g) => g.path.endsWith('reports'))).toBe(true);
  });
});

describe('Electron shell demo mode', () => {
  it('generates the demo study in the user-data folder and reports it to the renderer', async () => {
    const userData = await mkdtemp(path.join(os.tmpdir(), 'voxa-demo-'));
    try {
      const f = fakes();
      (f.modules.app as unknown as { getPath: () => string }).getPath = () => userData;
      startShell(f.modules, paths, { demo: true });
      await f.ready();
      await vi.waitFor(async () => {
        const info = (await f.ipcHandlers.get('app:info')!(invokeEvent(pathToFileURL(paths.rendererHtml).href), {})) as { value: { demoPath: string | null } };
        expect(info.value.demoPath).toMatch(/voxa-demo-torso-ct\.nii\.gz$/);
      }, { timeout: 20_000 });
    } finally {
      await rm(userData, { recursive: true, force: true });
    }
  });
});
