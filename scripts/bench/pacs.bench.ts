/**
 * PACS retrieve throughput (issue 18): a 500-instance CT series (256×256,
 * int16, ~131 kB per instance) in a real Orthanc on loopback, retrieved by
 * Voxa with WADO-RS, C-GET and C-MOVE, against the floor measured in the same
 * run: Orthanc's own REST download of the same instances (GET
 * /instances/{id}/file, as many in parallel as Voxa's WADO-RS uses).
 *
 * Run: npm run bench -- pacs   (VOXA_BENCH_PACS_INSTANCES=N for another size)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PacsService } from '../../main/services/pacs/pacsService';
import { writeTestStudy } from '../../main/services/pacs/testing/fixtures';
import { freePort, hasOrthanc, startOrthanc } from '../../main/services/pacs/testing/orthanc';

const N = Number(process.env.VOXA_BENCH_PACS_INSTANCES ?? 500);
const PARALLEL = 4;

async function main() {
  if (!hasOrthanc) {
    console.log('pacs bench: Orthanc is not installed (apt-get install orthanc orthanc-dicomweb); skipped');
    return;
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'voxa-pacs-bench-'));
  const listenPort = await freePort();
  const orthanc = await startOrthanc({ modalities: { VOXA: ['VOXA', '127.0.0.1', listenPort] } });
  try {
    const t0 = performance.now();
    const [series] = await writeTestStudy(path.join(tmp, 'src'), [N], { size: 256, seed: 'bench' });
    const ids: string[] = [];
    for (const f of series!.files) ids.push((await orthanc.upload(f)).ID);
    console.log(`setup: ${N} instances written and stored in Orthanc in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Floor: Orthanc's REST API, PARALLEL downloads at a time.
    const f0 = performance.now();
    let floorBytes = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < ids.length) {
          const bytes = await orthanc.restBytes(`/instances/${ids[next++]}/file`);
          floorBytes += bytes.byteLength;
        }
      }),
    );
    const floorS = (performance.now() - f0) / 1000;
    const floorRate = floorBytes / 1e6 / floorS;

    const rows: [string, number, number, number][] = [['Orthanc REST /instances/{id}/file (floor)', N, floorS, floorRate]];
    // For context: WADO-RS per instance with bare fetch (no multipart decode, no write): what Orthanc's DICOMweb plugin serves.
    const w0 = performance.now();
    let wadoBytes = 0;
    let w = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (w < series!.sopInstanceUids.length) {
          const sop = series!.sopInstanceUids[w++];
          const r = await fetch(`${orthanc.dicomWebUrl}/studies/${series!.studyInstanceUid}/series/${series!.seriesInstanceUid}/instances/${sop}`, { headers: { Accept: 'multipart/related; type="application/dicom"' } });
          const b = await r.arrayBuffer();
          wadoBytes += b.byteLength;
        }
      }),
    );
    const wadoS = (performance.now() - w0) / 1000;
    rows.push(['bare fetch of WADO-RS per instance (no decode, no write)', N, wadoS, wadoBytes / 1e6 / wadoS]);
    const never = new AbortController().signal;
    for (const method of ['wado', 'c-get', 'c-move'] as const) {
      const svc = new PacsService({ dataDir: path.join(tmp, method) });
      await svc.addNode({ kind: 'dimse', name: 'dimse', calledAet: orthanc.aet, host: '127.0.0.1', port: orthanc.dicomPort, callingAet: 'VOXA', timeoutMs: 60_000 });
      await svc.addNode({ kind: 'dicomweb', name: 'web', url: orthanc.dicomWebUrl, auth: 'none', timeoutMs: 60_000 });
      if (method === 'c-move') await svc.startListener({ host: '127.0.0.1', port: listenPort, aet: 'VOXA', allow: [] });
      try {
        const r = await svc.retrieve(method === 'wado' ? 'web' : 'dimse', series!.studyInstanceUid, { method, signal: never });
        if (r.received !== N) throw new Error(`${method}: received ${r.received} of ${N}`);
        rows.push([`Voxa ${method === 'wado' ? 'WADO-RS' : method.toUpperCase()} (incl. find, write, verify)`, r.received, r.seconds, r.bytes / 1e6 / r.seconds]);
      } finally {
        await svc.stopListener();
      }
    }
    console.log(`\n${'retrieve of one series'.padEnd(58)} ${'instances'.padStart(9)} ${'s'.padStart(7)} ${'MB/s'.padStart(7)}  ratio to floor`);
    for (const [label, n, s, rate] of rows) console.log(`${label.padEnd(58)} ${String(n).padStart(9)} ${s.toFixed(2).padStart(7)} ${rate.toFixed(1).padStart(7)}  ${(rate / floorRate).toFixed(2)}×`);
  } finally {
    await orthanc.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
