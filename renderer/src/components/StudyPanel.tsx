/**
 * Study panel: the study on screen, open and recent studies (with thumbnails
 * and search), loading progress, and a drop zone. In host mode a browser
 * cannot give a dropped file's path, so a drop explains to use Open….
 */
import { useStore } from 'zustand';
import { matchesQuery, type StudyEntry, type StudyListStore } from '../state/studyListStore';
import type { ViewerStore } from '../state/viewerStore';

interface Props {
  store: ViewerStore;
  studies: StudyListStore;
  appLine: string;
  onOpenPath: (path: string) => void;
  /** A file was dropped on the window. */
  dropped: boolean;
}

function EntryRow({ e, anonymise, current, onOpen }: { e: StudyEntry; anonymise: boolean; current: boolean; onOpen: () => void }) {
  const name = anonymise ? 'Patient' : e.patientName || 'Unnamed patient';
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

export function StudyPanel({ store, studies, appLine, onOpenPath, dropped }: Props) {
  const volume = useStore(store, (s) => s.volume);
  const notices = useStore(store, (s) => s.notices);
  const anonymise = useStore(store, (s) => s.anonymise);
  const { open, recent, query, jobs } = useStore(studies);
  const h = volume?.header;
  const openFiltered = open.filter((e) => matchesQuery(e, query));
  const recentFiltered = recent.filter((e) => !open.some((o) => o.path === e.path) && matchesQuery(e, query));

  return (
    <aside className="study-panel">
      <h2>Study</h2>
      {h ? (
        <dl data-testid="study-info">
          <dt>Patient</dt>
          <dd data-testid="study-patient">{anonymise ? '(hidden)' : h.patientName || '—'}</dd>
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
      <input className="search" type="search" placeholder="Search patient, description…" value={query} onChange={(e) => studies.getState().setQuery(e.target.value)} data-testid="study-search" />
      <h2>Open</h2>
      <ul className="study-list" data-testid="open-studies">
        {openFiltered.map((e) => (
          <EntryRow key={e.path} e={e} anonymise={anonymise} current={e.volumeId === h?.volumeId} onOpen={() => onOpenPath(e.path)} />
        ))}
      </ul>
      <h2>Recent</h2>
      <ul className="study-list" data-testid="recent-studies">
        {recentFiltered.map((e) => (
          <EntryRow key={e.path} e={e} anonymise={anonymise} current={false} onOpen={() => onOpenPath(e.path)} />
        ))}
        {recentFiltered.length === 0 && <li className="muted small">None</li>}
      </ul>
      <div className="drop-zone" data-testid="drop-zone">
        {dropped ? (
          <span data-testid="drop-note">
            A browser cannot tell Voxa where a dropped file lives, so drops cannot be opened here. Use <strong>Open…</strong> (the file browser) instead.
          </span>
        ) : (
          <span className="muted small">Drop files here (desktop app) or use Open…</span>
        )}
      </div>
      <p className="muted small">{appLine}</p>
    </aside>
  );
}
