/**
 * The fixture the segmentation and RECIST specs share: the torso study from
 * `voxa phantom` in a fresh folder below e2e-artifacts, a host process serving
 * it (its own user-data folder), an API connection, and the generator's lesion
 * labels read back through the API as ground truth.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { VolumeGeometry } from '../../common/volume';
import { connectHostApi, type HostApi } from './hostApi';
import { REPO_ROOT, startHost, type HostProcess } from './hostProcess';
import { torsoStudy, type TorsoStudy } from './segmentPhantoms';

export interface TorsoHost {
  /** The folder served as the host's root (the study is in `torso/`). */
  dataDir: string;
  host: HostProcess;
  api: HostApi;
  study: TorsoStudy;
  /** The generator's lesion labels (uint8, the study's grid). */
  truthLabels: Uint8Array;
  geometry: VolumeGeometry;
  stop(): Promise<void>;
}

/**
 * Starts the fixture for spec `name`; `prepare` writes more inputs into the data folder before the host
 * starts, `prepareUserData` fills the host's user-data folder (e.g. imported model packs).
 */
export async function startTorsoHost(name: string, prepare?: (dataDir: string) => Promise<void>, prepareUserData?: (userData: string) => Promise<void>): Promise<TorsoHost> {
  const artifacts = path.join(REPO_ROOT, 'e2e-artifacts');
  const dataDir = path.join(artifacts, `data-${name}`);
  const userData = path.join(artifacts, `userdata-${name}`);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(userData, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const study = torsoStudy(path.join(dataDir, 'torso'));
  await prepare?.(dataDir);
  await prepareUserData?.(userData);
  const host = await startHost(['--root', dataDir, '--data-dir', userData]);
  let api: HostApi | undefined;
  let truthLabels: Uint8Array;
  let geometry: VolumeGeometry;
  try {
    api = await connectHostApi(host.url);
    const m = await api.invoke('volume:open', { path: study.maskNifti });
    const v = await api.invoke('volume:voxels', { volumeId: m.volumeId });
    if (v.dtype !== 'uint8') throw new Error(`the phantom's lesion labels came back as ${v.dtype}, not uint8`);
    truthLabels = new Uint8Array(v.data);
    geometry = m.geometry;
    await api.invoke('volume:close', { volumeId: m.volumeId });
  } catch (e) {
    // A failed set-up must not leave the host process running.
    api?.close();
    await host.stop();
    throw e;
  }
  return {
    dataDir,
    host,
    api,
    study,
    truthLabels,
    geometry,
    async stop() {
      api.close();
      await host.stop();
    },
  };
}
