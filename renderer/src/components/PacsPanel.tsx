/**
 * The study panel's PACS tab: pick or add a node (DICOMweb or DIMSE), echo it,
 * search its studies, expand a study's series, retrieve a study or a series
 * into the study database (progress, cancel, open the first series when it is
 * complete), and send the open volume's segmentation back. Each control's
 * error is shown beside it. Logic lives in actions/pacs.ts.
 */
import { useEffect, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { PacsStudy } from '../../../common/contract/channels/pacs';
import { patientLabel } from '../../../common/patientLabel';
import {
  addNode,
  cancelRetrieve,
  echoNode,
  emptyNodeForm,
  emptySearchForm,
  loadNodes,
  progressLine,
  removeNode,
  retrieve,
  searchStudies,
  sendSegmentation,
  seriesLabel,
  showDicomDate,
  toggleStudy,
  type NodeForm,
  type SearchForm,
} from '../actions/pacs';
import { useWorkstation } from '../app/workstation';

interface Props {
  anonymise: boolean;
  onOpenSeries: (seriesUid: string, label: string) => void;
  /** The open volume and its segment count, for "Send segmentation". */
  volumeId: string | null;
  segmentCount: number;
  fileStem: string;
}

function FieldError({ text, testId }: { text: string | undefined; testId: string }) {
  return text ? (
    <p className="field-error small" role="alert" data-testid={testId}>
      {text}
    </p>
  ) : null;
}

function AddNodeForm({ onDone }: { onDone: () => void }) {
  const { client, pacs } = useWorkstation();
  const [f, setF] = useState<NodeForm>(emptyNodeForm);
  const error = useStore(pacs, (s) => s.errors.add);
  const set = (patch: Partial<NodeForm>) => setF((x) => ({ ...x, ...patch }));
  const submit = () => void addNode(client, pacs, f).then((ok) => ok && onDone());
  return (
    <form
      className="pacs-form"
      data-testid="pacs-add-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label>
        Name
        <input value={f.name} onChange={(e) => set({ name: e.target.value })} placeholder="e.g. hospital-pacs" data-testid="pacs-node-name" autoFocus />
      </label>
      <label>
        Kind
        <select value={f.kind} onChange={(e) => set({ kind: e.target.value === 'dimse' ? 'dimse' : 'dicomweb' })} data-testid="pacs-node-kind">
          <option value="dicomweb">DICOMweb</option>
          <option value="dimse">DIMSE (DICOM network)</option>
        </select>
      </label>
      {f.kind === 'dicomweb' ? (
        <>
          <label>
            URL
            <input value={f.url} onChange={(e) => set({ url: e.target.value })} placeholder="https://pacs/dicom-web" data-testid="pacs-node-url" />
          </label>
          <label>
            Auth
            <select value={f.auth} onChange={(e) => set({ auth: e.target.value as NodeForm['auth'] })} data-testid="pacs-node-auth">
              <option value="none">None</option>
              <option value="basic">Basic (user, password)</option>
              <option value="bearer">Bearer token</option>
            </select>
          </label>
          {f.auth === 'basic' && (
            <label>
              User
              <input value={f.username} onChange={(e) => set({ username: e.target.value })} autoComplete="off" data-testid="pacs-node-user" />
            </label>
          )}
          {f.auth !== 'none' && (
            <label>
              {f.auth === 'basic' ? 'Password' : 'Token'}
              <input type="password" value={f.secret} onChange={(e) => set({ secret: e.target.value })} autoComplete="new-password" data-testid="pacs-node-secret" />
            </label>
          )}
        </>
      ) : (
        <>
          <label>
            Called AE
            <input value={f.calledAet} onChange={(e) => set({ calledAet: e.target.value })} maxLength={16} placeholder="PACS" data-testid="pacs-node-aet" />
          </label>
          <label>
            Host
            <input value={f.host} onChange={(e) => set({ host: e.target.value })} placeholder="10.0.0.5" data-testid="pacs-node-host" />
          </label>
          <label>
            Port
            <input value={f.port} onChange={(e) => set({ port: e.target.value })} inputMode="numeric" data-testid="pacs-node-port" />
          </label>
          <label>
            Calling AE
            <input value={f.callingAet} onChange={(e) => set({ callingAet: e.target.value })} maxLength={16} data-testid="pacs-node-calling" />
          </label>
        </>
      )}
      <div className="pacs-row">
        <button type="submit" data-testid="pacs-node-save">
          Save node
        </button>
        <button
          type="button"
          onClick={() => {
            pacs.getState().setError('add', null);
            onDone();
          }}
        >
          Cancel
        </button>
      </div>
      <FieldError text={error} testId="pacs-add-error" />
    </form>
  );
}

function SeriesRows({ node, st, onOpenSeries }: { node: string; st: PacsStudy; onOpenSeries: Props['onOpenSeries'] }) {
  const { client, pacs } = useWorkstation();
  const list = useStore(pacs, (s) => s.series[st.studyUid]);
  const busy = useStore(pacs, (s) => s.retrieve !== null);
  const error = useStore(pacs, (s) => s.errors.series);
  if (list === 'loading') return <p className="muted small">Listing series…</p>;
  if (!list) return <FieldError text={error} testId="pacs-series-error" />;
  return (
    <ul className="pacs-series" data-testid="pacs-series-list">
      {list.map((se) => (
        <li key={se.seriesUid} className="pacs-series-row" data-testid="pacs-series">
          <span className="pacs-series-text" title={se.description}>
            <span>
              {se.seriesNumber !== null ? `#${se.seriesNumber} ` : ''}
              {seriesLabel(se)}
            </span>
            <span className="muted small">{se.instanceCount ?? '?'} images</span>
          </span>
          <button
            className="small-button"
            disabled={busy}
            title="Retrieve only this series"
            onClick={() => void retrieve(client, pacs, { name: node, studyUid: st.studyUid, seriesUids: [se.seriesUid], onOpenSeries })}
            data-testid="pacs-retrieve-series"
          >
            Retrieve
          </button>
        </li>
      ))}
      {list.length === 0 && <li className="muted small">No series.</li>}
    </ul>
  );
}

function RetrieveStatus({ studyUid }: { studyUid: string }) {
  const { client, pacs } = useWorkstation();
  const job = useStore(pacs, (s) => s.retrieve);
  const outcome = useStore(pacs, (s) => s.outcome);
  const error = useStore(pacs, (s) => s.errors.retrieve);
  if (job && job.studyUid === studyUid)
    return (
      <div className="pacs-job" data-testid="pacs-retrieve-job">
        <span className="small" data-testid="pacs-retrieve-progress">
          {job.cancelling ? 'Cancelling… ' : ''}
          {job.expected ? progressLine(job) : 'Asking the node for the instances…'}
        </span>
        <span className="pacs-row">
          <progress value={job.expected ? job.received : undefined} max={job.expected || 1} aria-label="Retrieve progress" />
          <button className="small-button" onClick={() => void cancelRetrieve(client, pacs)} disabled={job.cancelling} data-testid="pacs-retrieve-cancel">
            Cancel
          </button>
        </span>
      </div>
    );
  if (!outcome || outcome.studyUid !== studyUid) return null;
  return (
    <>
      <FieldError text={error} testId="pacs-retrieve-error" />
      <p className={`small${outcome.incomplete ? ' warn' : ''}`} data-testid="pacs-retrieve-note">
        {outcome.text}
      </p>
    </>
  );
}

function StudyRows({ node, st, anonymise, onOpenSeries }: { node: string; st: PacsStudy; anonymise: boolean; onOpenSeries: Props['onOpenSeries'] }) {
  const { client, pacs } = useWorkstation();
  const expanded = useStore(pacs, (s) => s.expanded === st.studyUid);
  const busy = useStore(pacs, (s) => s.retrieve !== null);
  const counts = [st.seriesCount !== null ? `${st.seriesCount} series` : null, st.instanceCount !== null ? `${st.instanceCount} images` : null].filter(Boolean).join(' · ');
  return (
    <>
      <tr className={`pacs-study${expanded ? ' expanded' : ''}`} data-testid="pacs-study">
        <td>
          <button className="pacs-expand" aria-expanded={expanded} onClick={() => void toggleStudy(client, pacs, node, st.studyUid)} data-testid="pacs-study-expand" title={expanded ? 'Hide the series' : 'Show the series'}>
            <span aria-hidden>{expanded ? '▾' : '▸'}</span>
            <span className="pacs-study-main">
              <strong>{patientLabel(st, anonymise)}</strong>
              {!anonymise && st.patientId && <span className="muted small"> {st.patientId}</span>}
              <span className="small">
                {anonymise ? '' : `${showDicomDate(st.studyDate) || 'no date'} · `}
                {st.modalities.join('/') || '—'}
                {counts ? ` · ${counts}` : ''}
              </span>
              {st.description && <span className="muted small pacs-desc">{st.description}</span>}
            </span>
          </button>
        </td>
        <td className="pacs-study-action">
          <button className="small-button" disabled={busy} onClick={() => void retrieve(client, pacs, { name: node, studyUid: st.studyUid, onOpenSeries })} data-testid="pacs-retrieve-study" title="Retrieve the whole study into the study database">
            Retrieve
          </button>
        </td>
      </tr>
      <tr className="pacs-study-detail">
        <td colSpan={2}>
          <RetrieveStatus studyUid={st.studyUid} />
          {expanded && <SeriesRows node={node} st={st} onOpenSeries={onOpenSeries} />}
        </td>
      </tr>
    </>
  );
}

export function PacsPanel({ anonymise, onOpenSeries, volumeId, segmentCount, fileStem }: Props) {
  const { client, pacs } = useWorkstation();
  const { nodes, node, echo, errors, searching, results, openWhenReady, sending, sendNote } = useStore(pacs);
  const [adding, setAdding] = useState(false);
  const [deidentify, setDeidentify] = useState(false);
  const [q, setQ] = useState<SearchForm>(emptySearchForm);
  useEffect(() => {
    if (pacs.getState().nodes === null) void loadNodes(client, pacs);
  }, [client, pacs]);
  const setField = (patch: Partial<SearchForm>) => setQ((x) => ({ ...x, ...patch }));
  const search = () => node && void searchStudies(client, pacs, node, q);
  const onEnter = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      search();
    }
  };
  const current = nodes?.find((n) => n.name === node);

  return (
    <div className="pacs-panel" data-testid="pacs-panel">
      <h2>Node</h2>
      <div className="pacs-row">
        <select className="pacs-node-select" value={node ?? ''} onChange={(e) => pacs.getState().selectNode(e.target.value || null)} disabled={!nodes?.length} aria-label="PACS node" data-testid="pacs-node">
          {!nodes?.length && <option value="">No node yet</option>}
          {nodes?.map((n) => (
            <option key={n.name} value={n.name}>
              {n.name} ({n.kind === 'dicomweb' ? 'DICOMweb' : `${n.calledAet}@${n.host}:${n.port}`})
            </option>
          ))}
        </select>
      </div>
      {current && (
        <p className="muted small pacs-node-detail" title={current.kind === 'dicomweb' ? current.url : undefined}>
          {current.kind === 'dicomweb' ? `${current.url}${current.auth !== 'none' ? ` · ${current.auth}${current.hasSecret ? ' (secret stored)' : ' (no secret)'}` : ''}` : `DIMSE as ${current.callingAet}`}
        </p>
      )}
      <div className="pacs-row">
        <button onClick={() => node && void echoNode(client, pacs, node)} disabled={!node} data-testid="pacs-echo" title="Check that the node answers">
          Echo
        </button>
        <button onClick={() => setAdding((a) => !a)} aria-expanded={adding} data-testid="pacs-add-node">
          Add node…
        </button>
        <button onClick={() => node && window.confirm(`Remove the node ${node}?`) && void removeNode(client, pacs, node)} disabled={!node} data-testid="pacs-remove-node">
          Remove
        </button>
      </div>
      {echo && !errors.echo && (
        <p className="small ok" data-testid="pacs-echo-result">
          {echo}
        </p>
      )}
      <FieldError text={errors.echo} testId="pacs-echo-error" />
      <FieldError text={errors.remove} testId="pacs-remove-error" />
      <FieldError text={errors.nodes} testId="pacs-nodes-error" />
      {adding && <AddNodeForm onDone={() => setAdding(false)} />}

      <h2>Search</h2>
      <div className="pacs-search" onKeyDown={onEnter} role="search">
        <label className="span3">
          Patient
          <input value={q.patientName} onChange={(e) => setField({ patientName: e.target.value })} placeholder="name: DOE* or doe" data-testid="pacs-q-name" />
        </label>
        <label>
          ID
          <input value={q.patientId} onChange={(e) => setField({ patientId: e.target.value })} data-testid="pacs-q-id" />
        </label>
        <label>
          Modality
          <input value={q.modality} onChange={(e) => setField({ modality: e.target.value.toUpperCase() })} placeholder="CT" maxLength={16} data-testid="pacs-q-modality" />
        </label>
        <span className="pacs-label">Date</span>
        <span className="pacs-dates">
          <input type="date" value={q.dateFrom} onChange={(e) => setField({ dateFrom: e.target.value })} aria-label="Study date from" data-testid="pacs-q-from" />
          <span aria-hidden>–</span>
          <input type="date" value={q.dateTo} onChange={(e) => setField({ dateTo: e.target.value })} aria-label="Study date to" data-testid="pacs-q-to" />
        </span>
        <label className="span3">
          Accession
          <input value={q.accession} onChange={(e) => setField({ accession: e.target.value })} maxLength={16} data-testid="pacs-q-accession" />
        </label>
        <div className="pacs-row">
          <button onClick={search} disabled={!node || searching} data-testid="pacs-search" title="Search the node (Enter in any field)">
            {searching ? 'Searching…' : 'Search'}
          </button>
        </div>
      </div>
      <FieldError text={errors.search} testId="pacs-search-error" />

      {results && (
        <>
          <h2>
            Results{' '}
            <span className="muted small" data-testid="pacs-result-count">
              {results.length} {results.length === 1 ? 'study' : 'studies'}
            </span>
          </h2>
          <label className="pacs-open-when" title="Open the first retrieved series as soon as it is complete">
            <input type="checkbox" checked={openWhenReady} onChange={(e) => pacs.getState().setOpenWhenReady(e.target.checked)} data-testid="pacs-open-when-ready" />
            Open when the first series is complete
          </label>
          {results.length === 0 ? (
            <p className="muted small">No study matches.</p>
          ) : (
            <table className="pacs-results" data-testid="pacs-results">
              <tbody>
                {results.map((st) => (
                  <StudyRows key={st.studyUid} node={node ?? ''} st={st} anonymise={anonymise} onOpenSeries={onOpenSeries} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}

      <h2>Send</h2>
      <div className="pacs-row">
        <button
          onClick={() => node && volumeId && void sendSegmentation(client, pacs, { name: node, volumeId, fileStem, deidentify })}
          disabled={!node || !volumeId || segmentCount === 0 || sending}
          title="Export the open volume's segmentation as DICOM SEG (into the Exports folder) and send it to the node"
          data-testid="pacs-send"
        >
          {sending ? 'Sending…' : 'Send segmentation to PACS'}
        </button>
        <label title="Send a de-identified copy (basic profile); the exported file keeps the identity">
          <input type="checkbox" checked={deidentify} onChange={(e) => setDeidentify(e.target.checked)} data-testid="pacs-send-deid" />
          De-identify
        </label>
      </div>
      {!volumeId || segmentCount === 0 ? <p className="muted small">Open a study and segment it to send a DICOM SEG.</p> : null}
      <FieldError text={errors.send} testId="pacs-send-error" />
      {sendNote && !errors.send && (
        <p className="small ok" data-testid="pacs-send-note">
          {sendNote}
        </p>
      )}
    </div>
  );
}
