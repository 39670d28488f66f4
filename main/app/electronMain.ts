/** Electron entry point (dist/main/app.cjs): hands the real Electron modules to the shell. */
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, session } from 'electron';
import { defaultShellPaths, startShell, type ElectronModules } from './electronShell';

const modules: ElectronModules = { app, BrowserWindow, dialog, ipcMain, Menu, session, safeStorage };
startShell(modules, defaultShellPaths(__dirname), { demo: process.argv.includes('--demo') });
