import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ChannelResponse } from '../../../common/contract';
import type { VoxaClient } from '../client/voxaClient';
import { FileBrowser } from '../components/FileBrowser';
import { HelpOverlay } from '../components/HelpOverlay';
import { SegmentPanel } from '../components/SegmentPanel';
import { StatusBar } from '../components/StatusBar';
import { StudyPanel } from '../components/StudyPanel';
import { Toolbar } from '../components/Toolbar';
import { ViewerLayout } from '../components/ViewerLayout';
import { createSegmentationStore, type SegmentationStore } from '../state/segmentationStore';
import { createStudyListStore, type StudyListStore } from '../state/studyListStore';
import { handleViewerKey } from '../state/viewerKeys';
import type { ViewerStore } from '../state/viewerStore';
import { axialThumbnail } from '../viewport/thumbnail';
import { openLabelmap } from './openLabelmap';
import { openVolume } from './openVolume';

function browserStorage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

interface Props {
  client: VoxaClient;
  store: ViewerStore;
  segStore?: SegmentationStore;
  studies?: StudyListStore;
}

export function App({ client, store, segStore: segIn, studies: studiesIn }: Props) {
  const [segStore] = useState(() => segIn ?? createSegmentationStore());
  const [studies] = useState(() => studiesIn ?? createStudyListStore(browserStorage()));
  const [info, setInfo] = useState<ChannelResponse<'app:info'> | null>(null);
  const [browsing, setBrowsing] = useState<'image' | 'labelmap' | null>(null);
  const [dropped, setDropped] = useState(false);
  const volume = useStore(store, (s) => s.volume);
  const error = useStore(store, (s) => s.error);
  const helpOpen = useStore(store, (s) => s.helpOpen);
  const targets = { store, segStore, studies };

  useEffect(() => {
    const t = { store, segStore, studies };
    client.invoke('app:info', {}).then(
      (i) => {
        setInfo(i);
        if (i.demoPath) void openVolume(client, t, i.demoPath);
      },
      () => store.getState().setError('Cannot reach the Voxa services.'),
    );
    return client.on('app:openPath', ({ path }) => void openVolume(client, t, path));
  }, [client, store, segStore, studies]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      if (handleViewerKey(store, segStore, e)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, segStore]);

  // Thumbnail of each newly opened study.
  const path = studies.getState().open[0]?.path;
  useEffect(() => {
    if (!volume || !path) return;
    const s = store.getState();
    const id = requestIdleCallback(() => {
      const url = axialThumbnail(volume.header.geometry, volume.voxels, s.crosshairLps, s.windowWidth, s.windowLevel);
      if (url) studies.getState().setThumbnail(path, url);
    });
    return () => cancelIdleCallback(id);
  }, [volume, path, store, studies]);

  const open = (p: string) => {
    const mode = browsing;
    setBrowsing(null);
    if (mode === 'labelmap') void openLabelmap(client, store, segStore, p);
    else void openVolume(client, targets, p);
  };
  const dialog = (kind: 'dicomFolder' | 'niftiFile') =>
    void client.invoke('dialog:open', { kind }).then((r) => r.path && void openVolume(client, targets, r.path), () => undefined);
  const openLabelmapDialog = () =>
    info?.nativeDialogs
      ? void client.invoke('dialog:open', { kind: 'niftiFile' }).then((r) => r.path && void openLabelmap(client, store, segStore, r.path), () => undefined)
      : setBrowsing('labelmap');

  return (
    <div
      className="app"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        setDropped(true);
      }}
    >
      <Toolbar
        store={store}
        nativeDialogs={info?.nativeDialogs ?? false}
        onOpenDicom={() => dialog('dicomFolder')}
        onOpenNifti={() => dialog('niftiFile')}
        onBrowse={() => setBrowsing('image')}
      />
      <main className="workspace">
        <StudyPanel store={store} studies={studies} dropped={dropped} appLine={info ? `Voxa ${info.version} · ${info.mode} mode` : ''} onOpenPath={(p) => void openVolume(client, targets, p)} />
        <ViewerLayout store={store} segStore={segStore} />
        <SegmentPanel store={store} segStore={segStore} onOpenLabelmap={openLabelmapDialog} />
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
      {browsing && <FileBrowser client={client} onOpen={open} onClose={() => setBrowsing(null)} />}
      {helpOpen && <HelpOverlay onClose={() => store.getState().setHelpOpen(false)} />}
    </div>
  );
}
