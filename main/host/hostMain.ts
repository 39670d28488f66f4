/**
 * `npm run start:host [-- --port N] [--root DIR]... [--demo] [--data-dir DIR]`
 * Starts the services behind a loopback WebSocket and prints the URL with its token.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createServiceContext } from '../services/serviceContext';
import { redactPath } from '../services/access/pathGrants';
import { startHostServer } from './hostServer';
import { ensureDemoStudy } from '../services/phantom/demoStudy';

interface HostArgs {
  port: number;
  roots: string[];
  demo: boolean;
  dataDir: string;
}

export function parseHostArgs(argv: string[], cwd: string): HostArgs {
  const args: HostArgs = { port: 0, roots: [], demo: false, dataDir: path.join(cwd, '.voxa-data') };
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
    else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error('--port must be 0..65535');
  return args;
}

async function main() {
  const cwd = process.cwd();
  const args = parseHostArgs(process.argv.slice(2), cwd);
  const appRoot = path.resolve(__dirname, '..', '..');
  const demoDir = path.join(args.dataDir, 'demo');
  const demoPath = args.demo ? await ensureDemoStudy(demoDir) : null;
  const ctx = createServiceContext({ mode: 'host', demoPath, nativeDialogs: false, dataDir: args.dataDir });
  // The client hears "no such file" for a refused path; the log says it was refused, without the names in it.
  ctx.grants.onRefused = (real) => process.stderr.write(`[voxa host] refused a path outside the roots: ${redactPath(real)}\n`);
  const roots = args.roots.length > 0 ? args.roots : [demoDir, path.resolve(appRoot, '..', 'shared', 'data')];
  for (const r of roots) if (existsSync(r)) ctx.grants.grant(r);
  if (demoPath) ctx.grants.grant(demoDir, 'Demo study');
  if (args.demo) process.stdout.write(`  demo study: ${demoPath}\n`);
  const server = await startHostServer({
    handlers: ctx.handlers,
    rendererDir: path.join(appRoot, 'dist', 'renderer'),
    port: args.port,
    log: (line) => process.stderr.write(`[voxa host] ${line}\n`),
    // A closed browser tab frees the volumes only it had open.
    onDisconnect: (id) => void ctx.volumes.release(id),
  });
  process.stdout.write(`Voxa host mode — open ${server.url}\n`);
  process.stdout.write(`  file browser roots: ${ctx.grants.roots().map((r) => r.path).join(', ') || '(none)'}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`voxa host: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
