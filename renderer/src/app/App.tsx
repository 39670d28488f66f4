import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ChannelResponse } from '../../../common/contract';
import type { VoxaClient } from '../client/voxaClient';
import { FileBrowser } from '../components/FileBrowser';
import { StatusBar } from '../components/StatusBar';
import { Toolbar } from '../components/Toolbar';
import type { ViewerStore } from '../state/viewerStore';
import { AxialViewport } from '../viewport/AxialViewport';
import { openVolume } from './openVolume';

export function App({ client, store }: { client: VoxaClient; store: ViewerStore }) {
  const [info, setInfo] = useState<ChannelResponse<'app:info'> | null>(null);
  const [browsing, setBrowsing] = useState(false);
  const volume = useStore(store, (s) => s.volume);
  const error = useStore(store, (s) => s.error);
  const notices = useStore(store, (s) => s.notices);

  useEffect(() => {
    client.invoke('app:info', {}).then(
      (i) => {
        setInfo(i);
        if (i.demoPath) void openVolume(client, store, i.demoPath);
      },
      () => store.getState().setError('Cannot reach the Voxa services.'),
    );
    return client.on('app:openPath', ({ path }) => void openVolume(client, store, path));
  }, [client, store]);

  const open = (path: string) => {
    setBrowsing(false);
    void openVolume(client, store, path);
  };
  const dialog = (kind: 'dicomFolder' | 'niftiFile') =>
    void client.invoke('dialog:open', { kind }).then((r) => r.path && open(r.path), () => undefined);

  const h = volume?.header;
  return (
    <div className="app">
      <Toolbar
        store={store}
        nativeDialogs={info?.nativeDialogs ?? false}
        onOpenDicom={() => dialog('dicomFolder')}
        onOpenNifti={() => dialog('niftiFile')}
        onBrowse={() => setBrowsing(true)}
      />
      <main className="workspace">
        <aside className="study-panel">
          <h2>Study</h2>
          {h ? (
            <dl data-testid="study-info">
              <dt>Modality</dt>
              <dd>{h.modality}</dd>
              <dt>Description</dt>
              <dd>{h.description || '—'}</dd>
              <dt>Matrix</dt>
              <dd>{h.geometry.dimensions.join(' × ')}</dd>
              <dt>Voxel</dt>
              <dd>{h.geometry.spacingMm.map((v) => v.toFixed(2)).join(' × ')} mm</dd>
              <dt>Orientation</dt>
              <dd>{h.orientation}</dd>
            </dl>
          ) : (
            <p className="muted">No study open.</p>
          )}
          {notices.length > 0 && (
            <ul className="notices">
              {notices.map((n) => (
                <li key={n}>⚠ {n}</li>
              ))}
            </ul>
          )}
          <p className="muted small">{info ? `Voxa ${info.version} · ${info.mode} mode` : ''}</p>
        </aside>
        <AxialViewport store={store} />
      </main>
      {error && (
        <div className="error-banner" role="alert" data-testid="error-banner">
          {error}
          <button onClick={() => store.getState().setError(null)} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      <StatusBar store={store} />
      {browsing && <FileBrowser client={client} onOpen={open} onClose={() => setBrowsing(false)} />}
    </div>
  );
}
