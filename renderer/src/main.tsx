import { createRoot } from 'react-dom/client';
import { BRIDGE_GLOBAL } from '../../common/contract';
import type { VoxaBridge } from '../../preload/bridge';
import { App } from './app/App';
import { bridgeTransport } from './client/bridgeTransport';
import { createClient } from './client/voxaClient';
import { hostSocketUrl, wsTransport } from './client/wsTransport';
import { createSegmentationStore } from './state/segmentationStore';
import { createViewerStore } from './state/viewerStore';
import { openTimings } from './actions/openVolume';
import { liveMprViews } from './viewport/MprViewport';
import './styles.css';

function pickTransport() {
  const bridge = (window as unknown as Record<string, VoxaBridge | undefined>)[BRIDGE_GLOBAL];
  if (bridge) return bridgeTransport(bridge);
  const url = hostSocketUrl(window.location);
  if (!url) throw new Error('No Voxa bridge and no host token in the address.');
  return wsTransport(url);
}

const rootEl = document.getElementById('root');
if (rootEl) {
  try {
    const client = createClient(pickTransport());
    const store = createViewerStore();
    const segStore = createSegmentationStore();
    Object.assign(window as unknown as Record<string, unknown>, { __voxaStore: store, __voxaSegStore: segStore, __voxaMprViews: liveMprViews, __voxaOpenTimings: openTimings });
    createRoot(rootEl).render(<App client={client} store={store} segStore={segStore} />);
  } catch (e) {
    rootEl.textContent = e instanceof Error ? e.message : String(e);
  }
}
