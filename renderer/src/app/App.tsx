import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { ChannelResponse } from '../../../common/contract';
import { DEFAULT_SEGMENT_MODEL_ID } from '../../../common/models/defaults';
import type { VoxaClient } from '../client/voxaClient';
import { FileBrowser } from '../components/FileBrowser';
import { HelpOverlay } from '../components/HelpOverlay';
import { SegmentEditorPanel } from '../components/SegmentEditorPanel';
import { SegmentPanel } from '../components/SegmentPanel';
import { RecistTools } from '../components/RecistTools';
import { StatusBar } from '../components/StatusBar';
import { StudyPanel } from '../components/StudyPanel';
import { Toolbar } from '../components/Toolbar';
import { ViewerLayout } from '../components/ViewerLayout';
import { VqaPanel } from '../components/VqaPanel';
import { handleSegmentKey } from '../tools/toolKeys';
import { createEditToolStore } from '../tools/toolStore';
import { createLesionTableStore } from '../state/lesionTableStore';
import { createPacsStore } from '../state/pacsStore';
import { createSegmentationStore, type SegmentationStore } from '../state/segmentationStore';
import { createStudyListStore, type StudyListStore } from '../state/studyListStore';
import { handleViewerKey } from '../state/viewerKeys';
import type { ViewerStore } from '../state/viewerStore';
import { axialThumbnail } from '../viewport/thumbnail';
import { exportFileName, exportFolder } from '../actions/exportName';
import { openLabelmap } from '../actions/openLabelmap';
import { cancelOpen, openVolume } from '../actions/openVolume';
import { createSaveAs } from '../actions/saveAs';
import { importIntoDatabase } from '../actions/studyDb';
import { SegmentEditor } from '../actions/segmentEditing';
import { WorkstationContext, type Workstation } from './workstation';

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

/** The file browser's title for each thing it picks. */
const BROWSE_TITLES = { image: 'Open image', labelmap: 'Open labelmap', mask: 'Import mask', import: 'Import into the study database', save: 'Save segmentation as' } as const;

export function App({ client, store, segStore: segIn, studies: studiesIn }: Props) {
  const [segStore] = useState(() => segIn ?? createSegmentationStore());
  const [studies] = useState(() => studiesIn ?? createStudyListStore(browserStorage()));
  const [info, setInfo] = useState<ChannelResponse<'app:info'> | null>(null);
  const [browsing, setBrowsing] = useState<'image' | 'labelmap' | 'mask' | 'import' | 'save' | null>(null);
  // Save-as (host mode): the name offered and where the chosen path goes.
  const [saving, setSaving] = useState<{ name: string; onPicked: (path: string) => void } | null>(null);
  const [tools] = useState(() => createEditToolStore());
  const editor = useMemo(() => new SegmentEditor(client, store, segStore, tools), [client, store, segStore, tools]);
  const [lesions] = useState(() => createLesionTableStore());
  const [pacs] = useState(() => createPacsStore());
  const workstation = useMemo<Workstation>(() => ({ client, store, segStore, studies, tools, editor, lesions, pacs }), [client, store, segStore, studies, tools, editor, lesions, pacs]);
  const [models, setModels] = useState<{ id: string; name: string }[]>([]);
  const [dropped, setDropped] = useState(false);
  const volume = useStore(store, (s) => s.volume);
  /** The volume's voxels are still arriving: tools that need all of them wait. */
  const streaming = useStore(store, (s) => s.streaming !== null);
  const error = useStore(store, (s) => s.error);
  const helpOpen = useStore(store, (s) => s.helpOpen);
  const anonymise = useStore(store, (s) => s.anonymise);
  // The Exports folder the services always grant (<data-dir>/exports): where a database series' exports go.
  const [exportsRoot, setExportsRoot] = useState<string | null>(null);
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
    return client.on('app:openPath', ({ path, action }) => void (action === 'import' ? importIntoDatabase(client, studies, path) : openVolume(client, t, path)));
  }, [client, store, segStore, studies]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      if (!store.getState().helpOpen && store.getState().volume && handleSegmentKey(tools, { undo: () => void editor.undo(), redo: () => void editor.redo() }, e)) e.preventDefault();
      else if (handleViewerKey(store, segStore, e)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, segStore, tools, editor]);

  // The segmentation of each opened volume lives in the services (restored from the edit journal).
  const volumeId = volume?.header.volumeId;
  useEffect(() => {
    if (volumeId) void editor.open(volumeId);
  }, [editor, volumeId]);
  useEffect(() => {
    client.invoke('fs:roots', {}).then(
      (r) => setExportsRoot(r.roots.find((x) => x.name === 'Exports')?.path ?? null),
      () => undefined,
    );
  }, [client]);
  useEffect(() => {
    client.invoke('segment:models', {}).then(
      (r) => {
        const ok = r.models.filter((m) => m.status === 'ok');
        setModels(ok);
        // The default is the built-in model that scores best on its validation (its model card), not the classical tool;
        // a choice the user already made is kept.
        const t = editor.tools.getState();
        if (t.modelId === 'classical' && ok.some((m) => m.id === DEFAULT_SEGMENT_MODEL_ID)) t.setModel(DEFAULT_SEGMENT_MODEL_ID);
      },
      () => undefined,
    );
  }, [client, editor]);

  const openStudies = studies.getState().open;
  const path = (openStudies.find((e) => e.volumeId === volumeId) ?? openStudies[0])?.path;
  /** Exports (segmentation, RECIST report) are offered beside the open study, or in the Exports folder for a database series. */
  const exportDir = exportFolder(path, exportsRoot);
  const saveAs = createSaveAs(
    client,
    info?.nativeDialogs ?? false,
    (name, onPicked) => {
      setSaving({ name, onPicked });
      setBrowsing('save');
    },
    (m) => store.getState().setError(`Save as: ${m}`),
  );
  // Thumbnail of each newly opened study.
  useEffect(() => {
    if (!volume || !path || streaming) return;
    const s = store.getState();
    const id = requestIdleCallback(() => {
      const url = axialThumbnail(volume.header.geometry, volume.voxels, s.crosshairLps, s.windowWidth, s.windowLevel);
      if (url) studies.getState().setThumbnail(path, url);
    });
    return () => cancelIdleCallback(id);
  }, [volume, streaming, path, store, studies]);

  const open = (p: string) => {
    const mode = browsing;
    setBrowsing(null);
    if (mode === 'save') {
      saving?.onPicked(p);
      setSaving(null);
    } else if (mode === 'labelmap') void openLabelmap(client, store, segStore, p);
    else if (mode === 'mask') void editor.importFrom(p);
    else if (mode === 'import') void importIntoDatabase(client, studies, p);
    else void openVolume(client, targets, p);
  };
  const dialog = (kind: 'dicomFolder' | 'niftiFile') =>
    void client.invoke('dialog:open', { kind }).then((r) => r.path && void openVolume(client, targets, r.path), () => undefined);
  const openLabelmapDialog = () =>
    info?.nativeDialogs
      ? void client.invoke('dialog:open', { kind: 'niftiFile' }).then((r) => r.path && void openLabelmap(client, store, segStore, r.path), () => undefined)
      : setBrowsing('labelmap');

  return (
    <WorkstationContext.Provider value={workstation}>
      <div
        className="app"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          // Electron: the preload sends real dropped paths to main, which asks for an import (app:openPath). A browser has no path.
          setDropped(info?.mode !== 'electron');
        }}
      >
        <Toolbar
          nativeDialogs={info?.nativeDialogs ?? false}
          onOpenDicom={() => dialog('dicomFolder')}
          onOpenNifti={() => dialog('niftiFile')}
          onBrowse={() => setBrowsing('image')}
        />
        <main className="workspace">
          <StudyPanel
            dropped={dropped}
            appLine={info ? `Voxa ${info.version} · ${info.mode} mode` : ''}
            onOpenPath={(p) => void openVolume(client, targets, p)}
            onOpenSeries={(uid, label) => void openVolume(client, targets, `series:${uid}`, { seriesUid: uid, label })}
            onImport={() =>
              info?.nativeDialogs
                ? void client.invoke('dialog:open', { kind: 'dicomFolder' }).then((r) => r.path && void importIntoDatabase(client, studies, r.path), () => undefined)
                : setBrowsing('import')
            }
          />
          <ViewerLayout />
          <SegmentPanel onOpenLabelmap={openLabelmapDialog}>
            {volume && (
              <SegmentEditorPanel
                models={models}
                defaultExportDir={exportDir}
                exportName={(format) => exportFileName(volume.header, path ?? '', format, anonymise)}
                sourceIsDicom={volume?.header.sourceFormat === 'dicom'}
                saveAs={saveAs}
                streaming={streaming}
                onBrowseImport={() =>
                  info?.nativeDialogs
                    ? void client.invoke('dialog:open', { kind: 'niftiFile' }).then((r) => r.path && void editor.importFrom(r.path), () => undefined)
                    : setBrowsing('mask')
                }
              />
            )}
          </SegmentPanel>
        </main>
        {error && (
          <div className="error-banner" role="alert" data-testid="error-banner">
            {error}
            <button onClick={() => store.getState().setError(null)} aria-label="Dismiss">
              ✕
            </button>
          </div>
        )}
        <RecistTools exportDir={exportDir} {...(info?.nativeDialogs ? { saveAs } : {})} />
        <VqaPanel />
        <StatusBar onCancelLoad={() => cancelOpen(store)} />
        {browsing && <FileBrowser title={BROWSE_TITLES[browsing]} {...(browsing === 'save' ? { saveName: saving?.name ?? '' } : {})} onOpen={open} onClose={() => setBrowsing(null)} />}
        {helpOpen && <HelpOverlay onClose={() => store.getState().setHelpOpen(false)} />}
      </div>
    </WorkstationContext.Provider>
  );
}
