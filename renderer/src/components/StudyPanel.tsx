/**
 * Study panel: the study on screen, the study database (studies and series
 * with thumbnails once opened, search, import with progress and cancel,
 * removal from the index), open and recent studies, loading progress, and a
 * drop zone. In host mode a browser cannot give a dropped file's path, so a
 * drop explains to use Import… (the file browser). A "Studies | PACS" tab
 * switch puts the PACS tab (PacsPanel) in place of the study lists.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { StudyListEntry } from '../../../common/contract/channels/study';
import { cancelImport, refreshStudies, removeFromDatabase } from '../actions/studyDb';
import { useWorkstation } from '../app/workstation';
import { matchesQuery, seriesThumbnail, type StudyEntry, type StudyListStore } from '../state/studyListStore';
import { PacsPanel } from './PacsPanel';
import { patientLabel } from '../../../common/patientLabel';
import { studyName } from '../state/studyName';

interface Props {
  appLine: string;
  onOpenPath: (path: string) => void;
  onOpenSeries: (seriesUid: string, label: string) => void;
  /** Picks a folder or file to import (native dialog or the file browser). */
  onImport: () => void;
  /** A file was dropped on the window. */
  dropped: boolean;
}

function EntryRow({ e, anonymise, current, onOpen }: { e: StudyEntry; anonymise: boolean; current: boolean; onOpen: () => void }) {
  const name = studyName(e, e.path, anonymise);
  return (
    <li>
      <button className={`study-entry${current ? ' current' : ''}`} onClick={onOpen} title={e.path} data-testid="study-entry">
        {e.thumbnail ? <img src={e.thumbnail} alt="" width={48} height={48} /> : <span className="thumb-empty" />}
        <span className="study-text">
          <strong>{name}</strong>
          <span>
            {e.modality} · {e.description || e.path.split(/[\\/]/).pop()}
          </span>
          <span className="muted small">{e.dimensions.join('×')}{!anonymise && e.studyDate ? ` · ${e.studyDate}` : ''}</span>
        </span>
      </button>
    </li>
  );
}

function seriesLabel(se: StudyListEntry['series'][number]): string {
  return `${se.modality} ${se.description || (se.seriesNumber !== null ? `series ${se.seriesNumber}` : 'series')}`.trim();
}

function DbStudy({ st, anonymise, studies, currentSeries, onOpenSeries, onRemove }: {
  st: StudyListEntry;
  anonymise: boolean;
  studies: StudyListStore;
  currentSeries: string | undefined;
  onOpenSeries: (uid: string, label: string) => void;
  onRemove: (t: { studyUid: string } | { seriesUid: string }) => void;
}) {
  const state = useStore(studies);
  return (
    <li className="db-study" data-testid="db-study">
      <div className="db-study-head">
        <strong>{patientLabel(st, anonymise)}</strong>
        <span className="muted small">
          {!anonymise && st.studyDate ? `${st.studyDate} · ` : ''}
          {st.description || 'Study'}
        </span>
        <button className="icon-button" title="Remove this study from the index (files stay on disk)" aria-label="Remove study from index" onClick={() => onRemove({ studyUid: st.studyUid })} data-testid="db-remove-study">
          ✕
        </button>
      </div>
      <ul className="study-list">
        {st.series.map((se) => {
          const thumb = seriesThumbnail(state, se.seriesUid);
          const label = seriesLabel(se);
          return (
            <li key={se.seriesUid} className="db-series-row">
              <button className={`study-entry${se.seriesUid === currentSeries ? ' current' : ''}`} onClick={() => onOpenSeries(se.seriesUid, label)} data-testid="db-series" title={label}>
                {thumb ? <img src={thumb} alt="" width={48} height={48} /> : <span className="thumb-empty" />}
                <span className="study-text">
                  <span>{label}</span>
                  <span className="muted small">
                    {se.instanceCount} files
                    {se.missingCount > 0 && (
                      <span className="warn" data-testid="db-missing">
                        {' '}
                        · {se.missingCount} moved or deleted
                      </span>
                    )}
                  </span>
                </span>
              </button>
              <button className="icon-button" title="Remove this series from the index (files stay on disk)" aria-label="Remove series from index" onClick={() => onRemove({ seriesUid: se.seriesUid })}>
                ✕
              </button>
            </li>
          );
        })}
      </ul>
    </li>
  );
}

type Tab = 'studies' | 'pacs';
const TABS: { id: Tab; label: string }[] = [
  { id: 'studies', label: 'Studies' },
  { id: 'pacs', label: 'PACS' },
];

/** "Studies | PACS": a tab list (arrow keys, Home and End move between tabs, as the ARIA tabs pattern asks). */
function PanelTabs({ tab, onTab }: { tab: Tab; onTab: (t: Tab) => void }) {
  const refs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  const onKey = (e: KeyboardEvent) => {
    const n = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? (n + 1) % TABS.length : e.key === 'ArrowLeft' ? (n + TABS.length - 1) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    const id = TABS[next]!.id;
    onTab(id);
    refs.current[id]?.focus();
  };
  return (
    <div className="panel-tabs" role="tablist" aria-label="Study panel" onKeyDown={onKey}>
      {TABS.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[t.id] = el;
          }}
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`tabpanel-${t.id}`}
          tabIndex={tab === t.id ? 0 : -1}
          className={tab === t.id ? 'on' : ''}
          onClick={() => onTab(t.id)}
          data-testid={`tab-${t.id}`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function StudyPanel({ appLine, onOpenPath, onOpenSeries, onImport, dropped }: Props) {
  const { client, store, studies, segStore } = useWorkstation();
  const [tab, setTab] = useState<Tab>('studies');
  const segmentCount = useStore(segStore, (s) => s.segmentation?.segments.length ?? 0);
  const volume = useStore(store, (s) => s.volume);
  const notices = useStore(store, (s) => s.notices);
  const anonymise = useStore(store, (s) => s.anonymise);
  const { open, recent, query, jobs, db, dbCounts, importJob, importNote } = useStore(studies);

  // The database list: at start, when the index changes, and (debounced) when the search changes.
  useEffect(() => client.on('study:changed', () => void refreshStudies(client, studies)), [client, studies]);
  useEffect(() => {
    const t = setTimeout(() => void refreshStudies(client, studies), query ? 200 : 0);
    return () => clearTimeout(t);
  }, [client, studies, query]);
  const currentSeries = open.find((e) => e.volumeId === volume?.header.volumeId)?.seriesUid;
  const openEntry = (e: StudyEntry) => (e.seriesUid ? onOpenSeries(e.seriesUid, e.description || e.modality) : onOpenPath(e.path));
  const h = volume?.header;
  const openFiltered = open.filter((e) => matchesQuery(e, query));
  const recentFiltered = recent.filter((e) => !open.some((o) => o.path === e.path) && matchesQuery(e, query));

  return (
    <aside className={`study-panel${tab === 'pacs' ? ' wide' : ''}`}>
      <h2>Study</h2>
      {h ? (
        <dl data-testid="study-info">
          <dt>Patient</dt>
          <dd data-testid="study-patient">{anonymise ? '(hidden)' : h.patientName.replace(/\^/g, '').trim() ? patientLabel({ patientName: h.patientName }) : '—'}</dd>
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
      {Object.entries(jobs).map(([id, j]) => (
        <div key={id} className="job" data-testid="study-job">
          <span className="small">{j.label}</span>
          <progress value={j.fraction ?? undefined} max={1} />
        </div>
      ))}
      <PanelTabs tab={tab} onTab={setTab} />
      {tab === 'pacs' ? (
        <div role="tabpanel" id="tabpanel-pacs" aria-labelledby="tab-pacs">
          <PacsPanel
            anonymise={anonymise}
            onOpenSeries={onOpenSeries}
            volumeId={h?.volumeId ?? null}
            segmentCount={segmentCount}
            fileStem={`segmentation-${(h?.description || h?.modality || 'study').slice(0, 40)}`}
          />
        </div>
      ) : (
        <div role="tabpanel" id="tabpanel-studies" aria-labelledby="tab-studies">
        <input className="search" type="search" placeholder="Search patient, description…" value={query} onChange={(e) => studies.getState().setQuery(e.target.value)} data-testid="study-search" />
        <h2>
          Database{' '}
          <span className="muted small" data-testid="db-counts">
            {dbCounts ? `${dbCounts.studies} studies · ${dbCounts.series} series` : ''}
          </span>
        </h2>
        <div className="db-actions">
          <button onClick={onImport} disabled={!!importJob} data-testid="import-button" title="Index a DICOM folder or file in the study database (files stay where they are)">
            Import…
          </button>
        </div>
        {importJob && (
          <div className="job" data-testid="import-job">
            <span className="small">{importJob.label}</span>
            <progress value={importJob.fraction ?? undefined} max={1} />
            <button onClick={() => void cancelImport(client, studies)} data-testid="import-cancel">
              Cancel
            </button>
          </div>
        )}
        {importNote && (
          <p className="small" data-testid="import-note">
            {importNote}
          </p>
        )}
        <ul className="study-list" data-testid="db-studies">
          {(db ?? []).map((st) => (
            <DbStudy key={st.studyUid} st={st} anonymise={anonymise} studies={studies} currentSeries={currentSeries} onOpenSeries={onOpenSeries} onRemove={(t) => void removeFromDatabase(client, studies, t)} />
          ))}
          {db && db.length === 0 && <li className="muted small">{query ? 'No study matches.' : 'No studies indexed yet: Import… a DICOM folder.'}</li>}
        </ul>
        <h2>Open</h2>
        <ul className="study-list" data-testid="open-studies">
          {openFiltered.map((e) => (
            <EntryRow key={e.path} e={e} anonymise={anonymise} current={e.volumeId === h?.volumeId} onOpen={() => openEntry(e)} />
          ))}
        </ul>
        <h2>Recent</h2>
        <ul className="study-list" data-testid="recent-studies">
          {recentFiltered.map((e) => (
            <EntryRow key={e.path} e={e} anonymise={anonymise} current={false} onOpen={() => openEntry(e)} />
          ))}
          {recentFiltered.length === 0 && <li className="muted small">None</li>}
        </ul>
        <div className="drop-zone" data-testid="drop-zone">
          {dropped ? (
            <span data-testid="drop-note">
              A browser cannot tell Voxa where a dropped file lives, so drops cannot be imported here. Use <strong>Import…</strong> or <strong>Open…</strong> (the file browser) instead.
            </span>
          ) : (
            <span className="muted small">Drop a folder or file here to import it (desktop app), or use Import…</span>
          )}
        </div>
        </div>
      )}
      <p className="muted small">{appLine}</p>
    </aside>
  );
}
