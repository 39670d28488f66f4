/**
 * The About text: Voxa's version, the built-in model packs with their licences (weights and
 * training data, from each manifest), the demo data, and every production npm package with its
 * licence (assets/licences.json, written by scripts/licences.mjs and bundled into the build).
 */
import type { ChannelResponse } from '../../common/contract';
import licences from '../../assets/licences.json';
import type { ModelRegistry } from './inference/registry';
import { VERSION } from '../version';
import { PHANTOM_DEMO, REAL_DEMO } from './phantom/demoStudy';


export async function aboutVoxa(registry: ModelRegistry): Promise<ChannelResponse<'app:about'>> {
  const models = (await registry.list())
    .filter((m) => m.source === 'builtin' && m.status === 'ok')
    .map((m) => ({ id: m.id, name: m.name, version: m.version, licence: m.licence ?? 'see its model card' }));
  const real = { name: REAL_DEMO.name, licence: REAL_DEMO.licence, attribution: REAL_DEMO.attribution };
  return { name: 'Voxa', version: VERSION, models, data: [real, PHANTOM_DEMO], packages: licences.packages };
}
