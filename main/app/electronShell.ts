/**
 * The Electron shell: window, menu, security and IPC wiring. The only layer
 * that knows Electron exists. It receives the Electron modules as a parameter
 * (electronMain.ts passes the real ones; tests pass fakes), so every option
 * and handler here is unit-tested without the Electron binary.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as E from 'electron';
import { CHANNELS, DROPPED_PATHS_CHANNEL, EVENT_PREFIX, type EventName, type EventPayload } from '../../common/contract';
import { Router, type CallSender } from '../ipc/router';
import { contentSecurityPolicy } from '../security/csp';
import { ensureDemoStudy, REAL_DEMO, realDemoSource } from '../services/phantom/demoStudy';
import { createWorkstation, type Workstation } from '../ipc/workstation';
import { electronSecretStore, type SafeStorageLike } from './keychainSecrets';

export interface WindowLike {
  loadFile(file: string): Promise<void>;
  webContents: { send(channel: string, ...args: unknown[]): void };
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

/** The subset of Electron used by the shell; the real module satisfies it (checked in electronMain.ts). */
export interface ElectronModules {
  app: Pick<E.App, 'requestSingleInstanceLock' | 'quit' | 'whenReady' | 'getPath'> & {
    on(event: string, listener: (...args: never[]) => void): unknown;
  };
  BrowserWindow: new (options: E.BrowserWindowConstructorOptions) => WindowLike;
  ipcMain: { handle(channel: string, listener: (event: E.IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void };
  dialog: Pick<E.Dialog, 'showOpenDialog'> & Partial<Pick<E.Dialog, 'showSaveDialog'>>;
  Menu: { buildFromTemplate(template: E.MenuItemConstructorOptions[]): E.Menu; setApplicationMenu(menu: E.Menu | null): void };
  session: { defaultSession: Pick<E.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & { webRequest: Pick<E.WebRequest, 'onHeadersReceived'> } };
  /** PACS credentials are encrypted with the OS keychain when it is available. */
  safeStorage?: SafeStorageLike;
}

export interface ShellPaths {
  /** dist/renderer/index.html */
  rendererHtml: string;
  /** dist/preload/preload.cjs */
  preload: string;
}

export function windowOptions(paths: ShellPaths): E.BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#0b0d10',
    title: 'Voxa',
    show: true,
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** Only the app's own page may call the services. */
export function isTrustedFrame(frameUrl: string, rendererHtml: string): boolean {
  return frameUrl === pathToFileURL(rendererHtml).href;
}

export function menuTemplate(actions: { openDicomFolder: () => void; openNifti: () => void; quit: () => void }): E.MenuItemConstructorOptions[] {
  return [
    {
      label: 'File',
      submenu: [
        { label: 'Open DICOM folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openDicomFolder() },
        { label: 'Open NIfTI…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openNifti() },
        { type: 'separator' },
        { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'togglefullscreen' }] },
  ];
}

export interface ShellHandle {
  services: Workstation;
  router: Router;
}

/** Starts the shell. Returns null when another instance already runs (this one quits). */
export interface ShellOptions {
  /** Open the bundled demo study (generated into the user-data folder on first start). */
  demo?: boolean;
}

export function startShell(electron: ElectronModules, paths: ShellPaths, options: ShellOptions = {}): ShellHandle | null {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  let mainWindow: WindowLike | null = null;

  const openDialog = async (kind: 'dicomFolder' | 'niftiFile'): Promise<string | null> => {
    const result = await electron.dialog.showOpenDialog(
      kind === 'dicomFolder'
        ? { title: 'Open DICOM folder', properties: ['openDirectory'] }
        : { title: 'Open NIfTI', properties: ['openFile'], filters: [{ name: 'NIfTI', extensions: ['nii', 'gz'] }] },
    );
    const chosen = result.canceled ? undefined : result.filePaths[0];
    if (!chosen) return null;
    return services.grants.grant(chosen);
  };
  const userData = app.getPath('userData');
  // Save: the native dialog, starting in the last folder saved to (else the exports folder); the chosen folder is granted.
  let lastSaveFolder: string | null = null;
  const saveDialog = async (suggestedName: string, filters: { name: string; extensions: string[] }[]): Promise<string | null> => {
    const show = electron.dialog.showSaveDialog;
    if (!show) return null;
    const startIn = lastSaveFolder ?? path.join(userData, 'exports');
    const result = await show({ title: 'Save as', defaultPath: path.join(startIn, path.basename(suggestedName)), filters, properties: ['createDirectory', 'showOverwriteConfirmation'] });
    if (result.canceled || !result.filePath) return null;
    const folder = services.grants.grant(path.dirname(result.filePath));
    if (!folder) return null;
    lastSaveFolder = folder;
    return path.join(folder, path.basename(result.filePath));
  };
  const services = createWorkstation({ mode: 'electron', demoPath: null, nativeDialogs: true, openDialog, saveDialog, dataDir: userData, secrets: electronSecretStore(electron.safeStorage, userData) });
  // The DICOM listener runs only when <userData>/pacs/listener.json enables it.
  void services.pacs
    .savedListenerConfig()
    .then((config) => (config ? services.pacs.startListener(config) : null))
    .catch((e: unknown) => console.error('[voxa] DICOM listener not started:', e instanceof Error ? e.message : e));
  const router = new Router(services.handlers, {
    isTrustedSender: (s: CallSender) => s.kind === 'internal' || (s.kind === 'electron' && isTrustedFrame(s.frameUrl, paths.rendererHtml)),
    onInternalError: (channel, e) => console.error(`[voxa] internal error on ${channel}:`, e instanceof Error ? e.message : e),
  });

  for (const channel of CHANNELS) {
    electron.ipcMain.handle(channel, async (event, payload) => {
      const controller = new AbortController();
      return router.dispatch(channel, payload, {
        sender: { kind: 'electron', frameUrl: event.senderFrame?.url ?? '' },
        emit: (name, data) => event.sender.send(EVENT_PREFIX + name, data),
        signal: controller.signal,
      });
    });
  }

  const send = <N extends EventName>(name: N, payload: EventPayload<N>) => mainWindow?.webContents.send(EVENT_PREFIX + name, payload);
  // Paths of files dropped from the OS (the preload reads them with webUtils): granted like a dialog pick, then imported.
  electron.ipcMain.handle(DROPPED_PATHS_CHANNEL, async (event, dropped) => {
    if (!isTrustedFrame(event.senderFrame?.url ?? '', paths.rendererHtml) || !Array.isArray(dropped)) return { imported: 0 };
    let imported = 0;
    for (const p of dropped.slice(0, 16)) {
      const real = typeof p === 'string' && p.length > 0 ? services.grants.grant(p) : null;
      if (real) {
        event.sender.send(EVENT_PREFIX + 'app:openPath', { path: real, action: 'import' } satisfies EventPayload<'app:openPath'>);
        imported++;
      }
    }
    return { imported };
  });
  const openFromMenu = (kind: 'dicomFolder' | 'niftiFile') =>
    void openDialog(kind).then((p) => {
      if (p) send('app:openPath', { path: p });
    });

  app.on('web-contents-created', (_event: E.Event, contents: E.WebContents) => {
    // The page never leaves itself: no navigation of any frame, no redirect, no webview, no new window.
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-frame-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('window-all-closed', () => app.quit());

  void app.whenReady().then(async () => {
    if (options.demo) {
      try {
        // The real demo patient from the installer's resources/demo (or VOXA_DEMO_SOURCE), else the phantom.
        const resources = (process as { resourcesPath?: string }).resourcesPath;
        const source = realDemoSource([resources ? path.join(resources, 'demo', REAL_DEMO.patient) : null]);
        services.setDemoPath(await ensureDemoStudy(path.join(app.getPath('userData'), 'demo'), { source }));
      } catch (e) {
        console.error('[voxa] could not prepare the demo study:', e instanceof Error ? e.message : e);
      }
    }
    // The app uses no permission (camera, microphone, geolocation, notifications, MIDI, HID, serial...): deny every request and check.
    electron.session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    electron.session.defaultSession.setPermissionCheckHandler(() => false);
    // Under file:// there are no response headers: the policy that applies is index.html's own <meta> (held equal to
    // contentSecurityPolicy({ meta: true }) by a test); the header covers anything served otherwise.
    const csp = contentSecurityPolicy({ allowWebSocketOrigin: false });
    electron.session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
    electron.Menu.setApplicationMenu(
      electron.Menu.buildFromTemplate(
        menuTemplate({ openDicomFolder: () => openFromMenu('dicomFolder'), openNifti: () => openFromMenu('niftiFile'), quit: () => app.quit() }),
      ),
    );
    mainWindow = new electron.BrowserWindow(windowOptions(paths));
    void mainWindow.loadFile(paths.rendererHtml);
  });
  return { services, router };
}

export function defaultShellPaths(distMainDir: string): ShellPaths {
  const dist = path.resolve(distMainDir, '..');
  return { rendererHtml: path.join(dist, 'renderer', 'index.html'), preload: path.join(dist, 'preload', 'preload.cjs') };
}
