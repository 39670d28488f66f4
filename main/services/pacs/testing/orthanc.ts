/**
 * A real Orthanc (Debian's `orthanc` + `orthanc-dicomweb`) for the PACS
 * tests and benchmark: a generated configuration on free loopback ports, an
 * SQLite index in a temporary folder, the DICOMweb plugin enabled, and the
 * given modalities (Voxa's listener) known for C-MOVE. Started and stopped by
 * the tests themselves.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ORTHANC_BIN = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc'].find((p) => existsSync(p)) ?? null;
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
export const hasOrthanc = ORTHANC_BIN !== null && existsSync(DICOMWEB_PLUGIN);
export const hasDcmtk = spawnSync('storescu', ['--version'], { stdio: 'ignore' }).error === undefined;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A throw-away CA and a server certificate for 127.0.0.1 signed by it (openssl), for HTTPS tests. */
export function makeTestCa(dir: string): { caPem: string; key: Buffer; cert: Buffer } {
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr.toString()}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Voxa Test Hospital CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext']);
  return { caPem: path.join(dir, 'ca.pem'), key: readFileSync(path.join(dir, 'server.key')), cert: readFileSync(path.join(dir, 'server.crt')) };
}

/**
 * An HTTPS front for a local HTTP server (as a hospital's TLS-terminating proxy in front of the
 * archive). Orthanc 1.10's own HTTPS drops Node's TLS handshakes, so the tests put this in front.
 */
export async function startTlsProxy(target: string, tls: { key: Buffer; cert: Buffer }): Promise<{ url: string; close: () => Promise<void> }> {
  const t = new URL(target);
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const up = http.request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `https://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface Orthanc {
  httpPort: number;
  dicomPort: number;
  aet: string;
  url: string;
  dicomWebUrl: string;
  dir: string;
  /** POSTs a file to /instances; returns Orthanc's answer. */
  upload(file: string): Promise<{ ID: string; Status: string }>;
  rest<T>(pathname: string): Promise<T>;
  restBytes(pathname: string): Promise<Uint8Array>;
  stop(): Promise<void>;
  /** Kills it at once (a peer that dies mid-transfer). */
  kill(): void;
  process: ChildProcess;
}

export async function startOrthanc(o: { modalities?: Record<string, [string, string, number]>; aet?: string; /** Let unknown AE titles find, get and move (default true). */ allowUnknown?: boolean; /** HTTP basic-auth users (user → password); none: no authentication. */ users?: Record<string, string> } = {}): Promise<Orthanc> {
  if (!ORTHANC_BIN) throw new Error('Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'voxa-orthanc-'));
  const httpPort = await freePort();
  const dicomPort = await freePort();
  const aet = o.aet ?? 'ORTHANC';
  const config = {
    Name: 'VoxaTestOrthanc',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: aet,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: !!o.users,
    RegisteredUsers: o.users ?? {},
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
    DicomModalities: o.modalities ?? {},
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowStore: true,
    DicomAlwaysAllowFind: o.allowUnknown ?? true,
    DicomAlwaysAllowGet: o.allowUnknown ?? true,
    DicomAlwaysAllowMove: o.allowUnknown ?? true,
    DicomCheckCalledAet: true,
    DicomCheckModalityHost: false,
    UnknownSopClassAccepted: true,
    SaveJobs: false,
    HttpCompressionEnabled: false,
    StorageCompression: false,
    ConcurrentJobs: 2,
  };
  const cfgFile = path.join(dir, 'orthanc.json');
  await writeFile(cfgFile, JSON.stringify(config));
  const child = spawn(ORTHANC_BIN, [cfgFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited (${child.exitCode}): ${stderr}`);
    // Any HTTP answer means it is up (401 when authentication is on).
    const ok = await fetch(`${url}/system`).then((r) => r.status > 0, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Orthanc did not start within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const rest = async <T>(p: string): Promise<T> => {
    const r = await fetch(`${url}${p}`);
    if (!r.ok) throw new Error(`Orthanc ${p}: HTTP ${r.status}`);
    return (await r.json()) as T;
  };
  return {
    httpPort,
    dicomPort,
    aet,
    url,
    dicomWebUrl: `${url}/dicom-web`,
    dir,
    process: child,
    rest,
    restBytes: async (p) => new Uint8Array(await (await fetch(`${url}${p}`)).arrayBuffer()),
    upload: async (file) => {
      const r = await fetch(`${url}/instances`, { method: 'POST', body: await readFile(file) });
      if (!r.ok) throw new Error(`Orthanc refused ${path.basename(file)}: HTTP ${r.status} ${await r.text()}`);
      return (await r.json()) as { ID: string; Status: string };
    },
    kill: () => child.kill('SIGKILL'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
