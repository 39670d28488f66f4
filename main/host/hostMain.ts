/**
 * `npm run start:host [-- --port N] [--root DIR]... [--demo] [--data-dir DIR]`
 * Starts the services behind a loopback WebSocket and prints the URL with its token.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createWorkstation } from '../ipc/workstation';
import { redactPath } from '../services/access/pathGrants';
import { startHostServer } from './hostServer';
import { ensureDemoStudy, REAL_DEMO, realDemoSource } from '../services/phantom/demoStudy';
import { listenerConfig } from '../services/pacs/pacsService';

/**
 * The port host mode prefers when none is given: a stable address keeps the browser's
 * per-origin storage (the RECENT list, window settings) across restarts; a random port lost it.
 */
export const DEFAULT_HOST_PORT = 47300;

interface HostArgs {
  /** null: DEFAULT_HOST_PORT, or any free port when it is taken. */
  port: number | null;
  roots: string[];
  demo: boolean;
  dataDir: string;
  help: boolean;
  /** --dicom-listen [HOST:]PORT: start the DICOM listener (off unless asked for here or in <data-dir>/pacs/listener.json). */
  dicomListen: string | null;
  dicomAet: string | null;
  dicomAllow: string[];
}

export const HOST_USAGE = `Usage: npm run start:host -- [options]

Serves the Voxa workstation to a browser on this machine (127.0.0.1 only) and prints the URL with
its per-launch token.

Options:
  --port N          port to listen on (default: 47300, or any free port when it is taken;
                    0: any free port)
  --root DIR        a folder the file browser may show and open (repeatable; default: the demo
                    folder and ../shared/data); nothing outside these is ever read
  --demo            prepare the bundled demo study and open it at start
  --data-dir DIR    per-installation data: edit journal, study database, user model packs,
                    and exports/ (always offered as a place to save) (default: ./.voxa-data)
  --dicom-listen [HOST:]PORT
                    start the DICOM listener (C-STORE SCP, the C-MOVE destination) on HOST
                    (default 127.0.0.1; 0.0.0.0 only if every interface is meant) and PORT;
                    off unless given here or enabled in <data-dir>/pacs/listener.json
  --dicom-aet AET   the listener's AE title (default VOXA)
  --dicom-allow AET[,AET]
                    calling AE titles it accepts besides the configured DIMSE nodes'
  --help            this text
`;

export function parseHostArgs(argv: string[], cwd: string): HostArgs {
  const args: HostArgs = { port: null, roots: [], demo: false, dataDir: path.join(cwd, '.voxa-data'), help: false, dicomListen: null, dicomAet: null, dicomAllow: [] };
  for (let n = 0; n < argv.length; n++) {
    const a = argv[n];
    const next = () => {
      const v = argv[++n];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port') args.port = Number(next());
    else if (a === '--root') args.roots.push(path.resolve(cwd, next()));
    else if (a === '--demo') args.demo = true;
    else if (a === '--data-dir') args.dataDir = path.resolve(cwd, next());
    else if (a === '--dicom-listen') args.dicomListen = next();
    else if (a === '--dicom-aet') args.dicomAet = next();
    else if (a === '--dicom-allow') args.dicomAllow.push(...next().split(',').filter(Boolean));
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown option ${a} (see --help)`);
  }
  if (args.port !== null && (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)) throw new Error('--port must be 0..65535');
  return args;
}

async function main() {
  const cwd = process.cwd();
  const args = parseHostArgs(process.argv.slice(2), cwd);
  if (args.help) {
    process.stdout.write(HOST_USAGE);
    return;
  }
  const appRoot = path.resolve(__dirname, '..', '..');
  const demoDir = path.join(args.dataDir, 'demo');
  // The real demo patient where this checkout or installation has it (../shared/data beside a checkout), else the phantom.
  const demoSource = realDemoSource([path.resolve(appRoot, '..', 'shared', 'data', 'training', 'ibsi_sts', REAL_DEMO.patient)]);
  const demoPath = args.demo ? await ensureDemoStudy(demoDir, { source: demoSource }) : null;
  const ctx = createWorkstation({ mode: 'host', demoPath, nativeDialogs: false, dataDir: args.dataDir });
  // The client hears "no such file" for a refused path; the log says it was refused, without the names in it.
  ctx.grants.onRefused = (real) => process.stderr.write(`[voxa host] refused a path outside the roots: ${redactPath(real)}\n`);
  const roots = args.roots.length > 0 ? args.roots : [demoDir, path.resolve(appRoot, '..', 'shared', 'data')];
  for (const r of roots) if (existsSync(r)) ctx.grants.grant(r);
  if (demoPath) ctx.grants.grant(demoDir, 'Demo study');
  if (args.demo) process.stdout.write(`  demo study: ${demoPath}\n`);
  const serve = (port: number) =>
    startHostServer({
      handlers: ctx.handlers,
      rendererDir: path.join(appRoot, 'dist', 'renderer'),
      port,
      log: (line) => process.stderr.write(`[voxa host] ${line}\n`),
      // A closed browser tab frees the volumes only it had open.
      onDisconnect: (id) => void ctx.volumes.release(id),
    });
  const server = await listenPreferred(args.port, serve, (line) => process.stdout.write(line));
  process.stdout.write(`Voxa host mode — open ${server.url}\n`);
  // The roots the user configured (the demo study is said on its own line above, not as a "root").
  const shown = ctx.grants.roots().filter((r) => !demoPath || (r.path !== demoPath && r.label !== 'Demo study'));
  process.stdout.write(`  file browser roots: ${shown.map((r) => r.path).join(', ') || '(none)'}\n`);
  // Command-line settings that are wrong stop the start (said at once); a listener that cannot start is
  // reported and the workstation still serves (a busy port or a bad listener.json must not take the host down).
  const listen = args.dicomListen !== null ? listenerConfig(args.dicomListen, args.dicomAet, args.dicomAllow) : await ctx.pacs.savedListenerConfig().catch((e: unknown) => {
    process.stderr.write(`[voxa host] DICOM listener not started: ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  });
  if (listen) {
    try {
      const l = await ctx.pacs.startListener(listen);
      const st = l.status();
      process.stdout.write(`  DICOM listener: ${st.aet}@${st.host}:${st.port}, accepting ${st.allowedCallers.join(', ') || 'no calling AE title yet (add a DIMSE node or --dicom-allow)'}\n`);
    } catch (e) {
      process.stderr.write(`[voxa host] DICOM listener not started: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  const stop = () => void Promise.all([server.close(), ctx.pacs.stopListener()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Listens on `port`; without one, on DEFAULT_HOST_PORT, or any free port (one calm line) when that is taken. */
export async function listenPreferred<T>(port: number | null, serve: (port: number) => Promise<T>, say: (line: string) => void): Promise<T> {
  if (port !== null) return serve(port);
  try {
    return await serve(DEFAULT_HOST_PORT);
  } catch (e) {
    if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
    say(`  port ${DEFAULT_HOST_PORT} is in use; serving on another one (the browser keeps recent studies per address)\n`);
    return serve(0);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`voxa host: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
