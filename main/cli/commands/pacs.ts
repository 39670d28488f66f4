/**
 * `voxa pacs …` and `voxa listen`: the PACS service from the command line.
 * Nodes and credentials live in the user-data folder (as the workstation's);
 * secrets are read from a file or VOXA_PACS_SECRET, never from the command
 * line (where `ps` would show them).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { issueLines, VoxaError } from '../../../common/contract';
import { pacsNodeSchema, pacsQuerySchema, type PacsNodeInput, type RetrieveMethod } from '../../../common/contract/channels/pacs';
import { listFiles } from '../../services/io/dicom/listFiles';
import { defaultDatabasePath, StudyDatabase } from '../../services/db/studyDatabase';
import { listenerConfig, PacsService } from '../../services/pacs/pacsService';
import { parseFlags, UsageError, type CliCommand, type CliIo } from '../command';
import { userDataDir } from './segment';

function flagOne(flags: Map<string, string[]>, name: string): string | undefined {
  return flags.get(name)?.at(-1);
}

function service(flags: Map<string, string[]>, o: { storeRoot?: string; index?: (folder: string) => Promise<number> } = {}): PacsService {
  return new PacsService({ dataDir: userDataDir(flagOne(flags, 'user-data')), ...o });
}

/** Ctrl-C cancels the running operation (exit 130), leaving whole files only. */
function interruptible(): { signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  return { signal: ac.signal, done: () => process.removeListener('SIGINT', onSigint) };
}

function studyDates(v: string | undefined): { studyDateFrom?: string; studyDateTo?: string } {
  if (!v) return {};
  const m = /^(\d{8})?(-)?(\d{8})?$/.exec(v);
  if (!m || (!m[1] && !m[3])) throw new UsageError(`--study-date takes YYYYMMDD, YYYYMMDD-YYYYMMDD, -YYYYMMDD or YYYYMMDD- (not "${v}")`);
  if (!m[2]) return { studyDateFrom: m[1]!, studyDateTo: m[1]! };
  return { ...(m[1] ? { studyDateFrom: m[1] } : {}), ...(m[3] ? { studyDateTo: m[3] } : {}) };
}

async function readSecret(flags: Map<string, string[]>): Promise<string | undefined> {
  const file = flagOne(flags, 'secret-file');
  if (file) return (await readFile(path.resolve(file), 'utf8')).replace(/\r?\n$/, '');
  return process.env.VOXA_PACS_SECRET || undefined;
}

function nodeFromFlags(name: string, flags: Map<string, string[]>): PacsNodeInput {
  const web = flagOne(flags, 'dicomweb');
  const dimse = flagOne(flags, 'dimse');
  if (!!web === !!dimse) throw new UsageError('give exactly one of --dicomweb <url> or --dimse <AET>@<host>:<port>');
  const timeout = flagOne(flags, 'timeout');
  const timeoutMs = timeout !== undefined ? Math.round(Number(timeout) * 1000) : undefined;
  if (web) {
    const auth = flagOne(flags, 'auth') ?? (flagOne(flags, 'user') ? 'basic' : 'none');
    const ca = flagOne(flags, 'ca');
    return {
      kind: 'dicomweb',
      name,
      url: web,
      auth: auth as 'none' | 'basic' | 'bearer',
      ...(flagOne(flags, 'user') ? { username: flagOne(flags, 'user')! } : {}),
      ...(ca ? { caFile: path.resolve(ca) } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    };
  }
  const m = /^([^@]+)@(.+):(\d{1,5})$/.exec(dimse!);
  if (!m) throw new UsageError(`--dimse takes <AET>@<host>:<port>, not "${dimse}"`);
  const calling = flagOne(flags, 'calling');
  return { kind: 'dimse', name, calledAet: m[1]!, host: m[2]!, port: Number(m[3]), ...(calling ? { callingAet: calling } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function dicomFilesOf(targets: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const t of targets) files.push(...(await listFiles(path.resolve(t))).files.filter((f) => !/(^|\/)(DICOMDIR|\.[^/]*)$/.test(f)));
  return files;
}

const PACS_USAGE = [
  'pacs add <name> (--dicomweb <url> [--user U] [--auth basic|bearer] [--ca ca.pem] | --dimse <AET>@<host>:<port> [--calling <AET>]) [--timeout S] [--secret-file F] [--user-data D]   add or replace a node (password/token from --secret-file or VOXA_PACS_SECRET)',
  'pacs list [--json] [--user-data D]   the configured nodes',
  'pacs remove <name> [--user-data D]',
  'pacs echo <name> [--user-data D]   C-ECHO (DIMSE) or a one-result QIDO (DICOMweb), with the round trip',
  'pacs find <name> [--patient-id ID] [--patient-name N] [--modality M] [--study-date YYYYMMDD-YYYYMMDD] [--accession A] [--study <UID>] [--json]   studies (or, with --study, its series)',
  'pacs get <name> --study <UID> [--series <UID>]... --out <dir> [--method wado|c-move|c-get] [--listen [HOST:]PORT] [--aet AET] [--json]   retrieve (resumes: files already in <dir> are skipped)',
  'pacs send <name> <file|dir>... [--deidentify] [--json]   STOW-RS or C-STORE DICOM files (an exported SEG or SR) to a node; --deidentify sends de-identified copies (basic profile, this installation\'s UID key)',
];

export const pacsCommand: CliCommand = {
  name: 'pacs',
  usage: PACS_USAGE,
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['json', 'deidentify']);
    const [sub, name, ...rest] = positional;
    const json = has('json');
    if (sub === 'list') {
      const svc = service(flags);
      const nodes = await svc.listNodes();
      if (json) io.out(`${JSON.stringify({ nodes, credentials: svc.nodes.secrets.where }, null, 2)}\n`);
      else if (nodes.length === 0) io.out('no PACS nodes (add one with voxa pacs add)\n');
      else for (const n of nodes) io.out(`${n.name.padEnd(16)} ${n.kind === 'dimse' ? `DIMSE     ${n.calledAet}@${n.host}:${n.port} (calling ${n.callingAet})` : `DICOMweb  ${n.url}${n.auth !== 'none' ? ` (${n.auth} auth)` : ''}`}\n`);
      return 0;
    }
    if (!name) throw new UsageError(`pacs ${sub ?? ''} needs a node name`.trim());
    if (sub === 'add') {
      const parsed = pacsNodeSchema.safeParse(nodeFromFlags(name, flags));
      if (!parsed.success) throw new UsageError(issueLines(parsed.error, 'node').join('; '));
      const secret = await readSecret(flags);
      if (parsed.data.kind === 'dicomweb' && parsed.data.auth !== 'none' && secret === undefined) throw new UsageError(`${parsed.data.auth} auth needs the secret: --secret-file F or VOXA_PACS_SECRET`);
      const svc = service(flags);
      const r = await svc.addNode(parsed.data, secret);
      io.out(`${r.replaced ? 'replaced' : 'added'} ${name}${secret !== undefined ? `; its secret is in ${svc.nodes.secrets.where}` : ''}\n`);
      return 0;
    }
    if (sub === 'remove') {
      const removed = await service(flags).removeNode(name);
      io.out(removed ? `removed ${name}\n` : `no node named ${name}\n`);
      return removed ? 0 : 1;
    }
    const run = interruptible();
    try {
      if (sub === 'echo') {
        const ms = await service(flags).echo(name, run.signal);
        io.out(json ? `${JSON.stringify({ node: name, ms })}\n` : `${name}: echo ok in ${ms.toFixed(0)} ms\n`);
        return 0;
      }
      if (sub === 'find') return await find(name, flags, json, run.signal, io);
      if (sub === 'get') return await get(name, flags, json, run.signal, io);
      if (sub === 'send') {
        const files = await dicomFilesOf(rest);
        if (files.length === 0) throw new UsageError('pacs send needs at least one DICOM file or folder');
        const t0 = performance.now();
        const r = await service(flags).send(name, files, run.signal, (done, total) => io.err(`\rsent ${done}/${total}`), { deidentify: has('deidentify') });
        const seconds = (performance.now() - t0) / 1000;
        io.err('\n');
        if (json) io.out(`${JSON.stringify({ node: name, ...r, seconds }, null, 2)}\n`);
        else {
          io.out(`${name}: sent ${r.sent} of ${files.length} file(s), ${mb(r.bytes)} in ${seconds.toFixed(1)} s\n`);
          for (const f of r.failed) io.out(`  not stored: ${f.file}: ${f.reason}\n`);
        }
        return r.failed.length ? 1 : 0;
      }
    } catch (e) {
      if (e instanceof VoxaError && e.code === 'CANCELLED') return 130;
      throw e;
    } finally {
      run.done();
    }
    throw new UsageError('pacs needs a subcommand: add, list, remove, echo, find, get or send');
  },
};

async function find(name: string, flags: Map<string, string[]>, json: boolean, signal: AbortSignal, io: CliIo): Promise<number> {
  const svc = service(flags);
  const study = flagOne(flags, 'study');
  const t0 = performance.now();
  if (study) {
    const series = await svc.findSeries(name, study, signal);
    const seconds = (performance.now() - t0) / 1000;
    if (json) io.out(`${JSON.stringify({ node: name, studyUid: study, count: series.length, seconds, series }, null, 2)}\n`);
    else for (const s of series) io.out(`${String(s.seriesNumber ?? '').padStart(4)} ${s.modality.padEnd(4)} ${String(s.instanceCount ?? '?').padStart(5)} images  ${s.description || '(no description)'}  ${s.seriesUid}\n`);
    return 0;
  }
  const parsed = pacsQuerySchema.safeParse({
    ...(flagOne(flags, 'patient-id') ? { patientId: flagOne(flags, 'patient-id') } : {}),
    ...(flagOne(flags, 'patient-name') ? { patientName: flagOne(flags, 'patient-name') } : {}),
    ...(flagOne(flags, 'modality') ? { modality: flagOne(flags, 'modality')!.toUpperCase() } : {}),
    ...(flagOne(flags, 'accession') ? { accession: flagOne(flags, 'accession') } : {}),
    ...(flagOne(flags, 'limit') ? { limit: Number(flagOne(flags, 'limit')) } : {}),
    ...studyDates(flagOne(flags, 'study-date')),
  });
  if (!parsed.success) throw new UsageError(issueLines(parsed.error).join('; '));
  const studies = await svc.findStudies(name, parsed.data, signal);
  const seconds = (performance.now() - t0) / 1000;
  if (json) io.out(`${JSON.stringify({ node: name, count: studies.length, seconds, studies }, null, 2)}\n`);
  else if (studies.length === 0) io.out('no study matches\n');
  else
    for (const s of studies)
      io.out(`${s.studyDate.padEnd(8)} ${(s.patientName || '(no name)').padEnd(24)} ${s.patientId.padEnd(12)} ${s.modalities.join('/').padEnd(8)} ${String(s.seriesCount ?? '?').padStart(3)} series ${String(s.instanceCount ?? '?').padStart(5)} images  ${s.description}  ${s.studyUid}\n`);
  return 0;
}

async function get(name: string, flags: Map<string, string[]>, json: boolean, signal: AbortSignal, io: CliIo): Promise<number> {
  const study = flagOne(flags, 'study');
  const out = flagOne(flags, 'out');
  if (!study) throw new UsageError('pacs get needs --study <UID>');
  if (!out) throw new UsageError('pacs get needs --out <dir>');
  const method = flagOne(flags, 'method') as RetrieveMethod | undefined;
  if (method && !['wado', 'c-move', 'c-get'].includes(method)) throw new UsageError('--method is wado, c-move or c-get');
  const svc = service(flags, { storeRoot: path.resolve(out) });
  const listen = flagOne(flags, 'listen');
  if (listen) await svc.startListener(listenerConfig(listen, flagOne(flags, 'aet') ?? null, []));
  try {
    let shown = 0;
    const report = await svc.retrieve(name, study, {
      seriesUids: flags.get('series'),
      method,
      signal,
      onProgress: (p) => {
        const now = Date.now();
        if (now - shown < 300 && p.received < p.expected) return;
        shown = now;
        io.err(`\rreceived ${p.received}/${p.expected} instances, ${mb(p.bytes)} (${p.mbPerSecond.toFixed(1)} MB/s)`);
      },
    });
    io.err('\n');
    if (json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else {
      io.out(`${report.cancelled ? 'stopped' : 'retrieved'} ${report.received} instance(s), ${mb(report.bytes)} in ${report.seconds.toFixed(1)} s by ${report.method} into ${report.folder}\n`);
      for (const s of report.series) io.out(`  ${s.seriesUid}: ${s.present}/${s.expected}${s.complete ? '' : ' (incomplete: run the same command again to resume)'}\n`);
    }
    return report.cancelled ? 130 : report.series.every((s) => s.complete) ? 0 : 1;
  } finally {
    await svc.stopListener();
  }
}

export const listenCommand: CliCommand = {
  name: 'listen',
  usage: [
    'listen [--port N] [--host H] [--aet AET] [--allow AET[,AET]] [--out DIR] [--db file] [--user-data D]   run the DICOM listener (C-STORE SCP) until Ctrl-C; received series are indexed in the study database',
  ],
  async run(args, io) {
    const { flags } = parseFlags(args);
    const host = flagOne(flags, 'host') ?? '127.0.0.1';
    const port = flagOne(flags, 'port') ?? '11112';
    const config = listenerConfig(`${host}:${port}`, flagOne(flags, 'aet') ?? null, (flags.get('allow') ?? []).flatMap((a) => a.split(',')).filter(Boolean));
    const db = StudyDatabase.open(path.resolve(flagOne(flags, 'db') ?? defaultDatabasePath()));
    const out = flagOne(flags, 'out');
    const svc = service(flags, {
      ...(out ? { storeRoot: path.resolve(out) } : {}),
      index: async (folder) => {
        const r = await db.importPath(folder);
        io.out(`received series ${path.basename(folder)}: ${r.filesSeen} file(s) indexed\n`);
        return 1;
      },
    });
    const listener = await svc.startListener(config);
    const st = listener.status();
    io.out(`listening as ${st.aet} on ${st.host}:${st.port}; accepting ${st.allowedCallers.join(', ') || 'no calling AE title (add --allow or a DIMSE node)'}; files go to ${svc.store?.root}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await svc.stopListener();
    db.close();
    io.out(`stopped: ${listener.status().received} instance(s) received, ${listener.status().refused} association(s) refused\n`);
    return 0;
  },
};
