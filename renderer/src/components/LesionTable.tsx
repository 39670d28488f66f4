/**
 * RECIST panel: the lesion table of the open study as one timepoint
 * (measured from the labelmap; role, organ and node flag per lesion;
 * measurability warnings and target-limit messages; manual values labelled),
 * jump-to per lesion, save to the study database, and the response over the
 * patient's timepoints with the spider plot and the sum-of-diameters curve.
 */
import { Fragment, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ChannelResponse } from '../../../common/contract';
import { spiderPlot, sumCurvePlot, type LesionSeries } from '../../../common/recist/plots';
import { LESION_STATUSES } from '../../../common/recist/timepoints';
import type { Vec3 } from '../../../common/volume';
import { useWorkstation } from '../app/workstation';
import { ORGANS, rowValues, shownCaliper, type LesionTableStore } from '../state/lesionTableStore';
import { RecistPlot } from './RecistPlot';
import { useEscape } from './useEscape';
import { exportAsking } from '../actions/exportAsking';
import type { SaveAs } from '../actions/saveAs';

interface Props {
  /** Folder offered for the report (beside the open study); the report goes into a new folder in it. */
  exportDir: string | null;
  /** Electron: Save as… through the native Save dialog; the chosen name becomes the report's folder and the report is written at once. */
  saveAs?: SaveAs;
}

const f1 = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(1));
const isoDate = (dicomDate: string) => (/^\d{8}$/.test(dicomDate) ? `${dicomDate.slice(0, 4)}-${dicomDate.slice(4, 6)}-${dicomDate.slice(6, 8)}` : new Date().toISOString().slice(0, 10));

export function LesionTable({ exportDir, saveAs }: Props) {
  const { client, store, segStore, lesions } = useWorkstation();
  const volume = useStore(store, (s) => s.volume);
  const segmentation = useStore(segStore, (s) => s.segmentation);
  const rows = useStore(lesions, (s) => s.lesions);
  const check = useStore(lesions, (s) => s.check);
  const timepointId = useStore(lesions, (s) => s.timepointId);
  const date = useStore(lesions, (s) => s.date);
  const patientKey = useStore(lesions, (s) => s.patientKey);
  const [open, setOpen] = useState(false);
  useEscape(open, () => setOpen(false));
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ patientKey: string; response: ChannelResponse<'recist:response'> } | null>(null);
  const [reportPath, setReportPath] = useState<string | null>(null);

  // A new volume starts its own timepoint (patient ID as the key, study date as the date).
  const header = volume?.header;
  useEffect(() => {
    if (!header) return;
    const key = header.patientId || header.description || header.volumeId;
    const d = isoDate(header.studyDate);
    lesions.getState().setTimepoint(key, d, d, header.geometry.spacingMm[2]);
    client.invoke('recist:timepoints', { patientKey: key }).then(
      (r) => {
        const saved = r.timepoints.find((t) => t.id === d);
        if (saved) lesions.getState().load(saved);
      },
      () => undefined,
    );
  }, [client, header, lesions]);

  if (!volume) return null;

  const measure = () => {
    if (!segmentation) return setMessage('No segmentation: segment a lesion first.');
    lesions.getState().measureLabelmap(volume.header.geometry, segmentation.labels, segmentation.segments.map((s) => ({ label: s.label, name: s.name })));
    setMessage(null);
  };
  const save = async () => {
    if (!patientKey) return;
    try {
      const r = await client.invoke('recist:saveTimepoint', { patientKey, timepoint: lesions.getState().timepoint() });
      setMessage(`Saved${Object.keys(r.warnings).length ? ` with ${Object.keys(r.warnings).length} warning(s)` : ''}.`);
      setSaved({ patientKey, response: await client.invoke('recist:response', { patientKey }) });
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  const sep = exportDir?.includes('\\') ? '\\' : '/';
  const reportDir = reportPath ?? (exportDir ? `${exportDir}${sep}recist-report` : '');
  /** `confirmed`: the native Save dialog already agreed to replace the folder's report (no second question). */
  const exportReport = async (dir = reportDir, confirmed = false) => {
    if (!patientKey || !dir) return;
    try {
      const r = await exportAsking((overwrite) => client.invoke('recist:export', { patientKey, dir, pdf: true, title: `RECIST 1.1 — ${patientKey}`, overwrite }), { confirmed });
      setMessage(`Report: ${r.files.length} files in ${dir} (${r.files.map((f) => f.split(/[\\/]/).pop()).join(', ')}).`);
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  const jump = (id: string) => {
    const r = lesions.getState().lesions.find((x) => x.id === id);
    const c = r && shownCaliper(r, 'long');
    lesions.getState().select(id);
    if (!c) return;
    const { startLps: a, endLps: b } = c.caliper;
    store.getState().setCrosshair([0, 1, 2].map((n) => ((a[n] as number) + (b[n] as number)) / 2) as Vec3);
  };
  const response = saved?.patientKey === patientKey ? saved.response : null;
  const series: LesionSeries | null = response ? { ...response.series, lesions: response.series.lesions.map((l) => ({ ...l, organ: l.organ })) } : null;

  return (
    <>
      <button className="recist-toggle" data-testid="recist-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        RECIST
      </button>
      {open && (
        <section className="recist-panel" data-testid="lesion-table" aria-label="RECIST lesion table">
          <header>
            <h2>Lesions · {timepointId}</h2>
            <label>
              date{' '}
              <input type="date" value={date} onChange={(e) => lesions.setState({ date: e.target.value, timepointId: e.target.value })} />
            </label>
            <button onClick={measure} data-testid="recist-measure">
              Measure
            </button>
            <button onClick={() => void save()} disabled={check.errors.length > 0} data-testid="recist-save">
              Save
            </button>
          </header>
          {check.errors.map((e) => (
            <p key={e} className="recist-error" role="alert" data-testid="recist-limit">
              {e}
            </p>
          ))}
          <table>
            <thead>
              <tr>
                <th>Lesion</th>
                <th>Role</th>
                <th>Organ</th>
                <th>Node</th>
                <th>Status</th>
                <th>Long mm</th>
                <th>Short mm</th>
                <th>mL</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const v = rowValues(r);
                const warn = check.warnings[r.id];
                const set = (patch: Parameters<ReturnType<LesionTableStore['getState']>['update']>[1]) => lesions.getState().update(r.id, patch);
                return (
                  <Fragment key={r.id}>
                  <tr data-testid={`lesion-row-${r.id}`} className={warn ? 'warn' : ''}>
                    <td>{r.id}</td>
                    <td>
                      <select value={r.role ?? 'target'} onChange={(e) => set({ role: e.target.value as 'target' | 'nonTarget' | 'new' })}>
                        <option value="target">target</option>
                        <option value="nonTarget">non-target</option>
                        <option value="new">new</option>
                      </select>
                    </td>
                    <td>
                      <select value={r.organ ?? ''} onChange={(e) => set({ organ: e.target.value || undefined })}>
                        <option value="">—</option>
                        {ORGANS.map((o) => (
                          <option key={o}>{o}</option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input type="checkbox" checked={r.isNode ?? false} onChange={(e) => set({ isNode: e.target.checked, ...(e.target.checked ? { organ: 'lymph nodes' } : {}) })} aria-label="lymph node" />
                    </td>
                    <td>
                      <select value={r.status} onChange={(e) => set({ status: e.target.value as (typeof LESION_STATUSES)[number] })}>
                        {LESION_STATUSES.map((s) => (
                          <option key={s}>{s}</option>
                        ))}
                      </select>
                    </td>
                    <td data-testid={`lesion-long-${r.id}`}>
                      {f1(v.longAxisMm)}
                      {v.manualLong && <span className="manual"> manual</span>}
                    </td>
                    <td data-testid={`lesion-short-${r.id}`}>
                      {f1(v.shortAxisMm)}
                      {v.manualShort && <span className="manual"> manual</span>}
                    </td>
                    <td>{v.volumeMl === undefined ? '—' : v.volumeMl.toFixed(2)}</td>
                    <td className="actions">
                      <button onClick={() => jump(r.id)} title="Show its slice" data-testid={`lesion-jump-${r.id}`}>
                        Go
                      </button>
                      <button title="Draw the long axis by hand on the axial view" onClick={() => lesions.getState().startDrawing({ id: r.id, which: 'long' })} data-testid={`lesion-draw-long-${r.id}`}>
                        L
                      </button>
                      <button title="Draw the short axis by hand on the axial view" onClick={() => lesions.getState().startDrawing({ id: r.id, which: 'short' })} data-testid={`lesion-draw-short-${r.id}`}>
                        S
                      </button>
                      {(v.manualLong || v.manualShort) && (
                        <button
                          title="Back to the automatic values"
                          onClick={() => {
                            lesions.getState().setManual(r.id, 'long', null);
                            lesions.getState().setManual(r.id, 'short', null);
                          }}
                        >
                          ↺
                        </button>
                      )}
                    </td>
                  </tr>
                  {warn && (
                    <tr>
                      <td colSpan={9} className="recist-warn" data-testid={`lesion-warning-${r.id}`}>
                        ⚠ {warn.join('; ')}
                      </td>
                    </tr>
                  )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
          {rows.length === 0 && <p className="muted">Press Measure to measure every segment of the labelmap.</p>}
          {message && <p data-testid="recist-message">{message}</p>}
          {response && series && (
            <div className="recist-response" data-testid="recist-response">
              <p>
                Baseline {response.baseline.timepointId}: sum {response.baseline.sumMm.toFixed(1)} mm
                {response.followUps.map((f) => ` · ${f.timepointId}: ${f.overall} (${f.sumMm.toFixed(1)} mm)`).join('')}
              </p>
              <RecistPlot plot={spiderPlot(series, { width: 380, height: 180 })} testId="spider-plot" />
              <RecistPlot plot={sumCurvePlot(series, { width: 380, height: 180 })} testId="sum-plot" />
              <div className="recist-export">
                <input value={reportDir} onChange={(e) => setReportPath(e.target.value)} aria-label="Report folder" data-testid="recist-report-dir" />
                <button disabled={!reportDir} onClick={() => void exportReport()} data-testid="recist-export">
                  Export report
                </button>
                {saveAs && (
                  <button
                    onClick={() =>
                      saveAs(reportDir.split(/[\\/]/).pop() || 'recist-report', [], (picked) => {
                        setReportPath(picked);
                        void exportReport(picked, true);
                      })
                    }
                    title="Choose the report's folder name and place in the system's Save dialog"
                    data-testid="recist-save-as"
                  >
                    Save as…
                  </button>
                )}
              </div>
            </div>
          )}
        </section>
      )}
    </>
  );
}
