/**
 * Segmentation editing: tools, model, "new lesion" vs "refine selected", the
 * segment list (name, colour, visibility, lock, opacity, live volume and
 * slice span, jump to, delete), the named history, export and import.
 */
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { exportFilters, type SaveAs } from '../actions/saveAs';
import { useWorkstation } from '../app/workstation';
import type { EditTool } from '../tools/toolStore';
import type { Segment } from '../state/segmentationStore';

const hex = (c: [number, number, number]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const rgb = (h: string): [number, number, number] => [1, 3, 5].map((n) => parseInt(h.slice(n, n + 2), 16)) as [number, number, number];

const NO_SEGMENTS: Segment[] = [];

/** The tools that edit the labelmap: refused while the volume streams in (they act on what the views show, which is incomplete). */
const NEEDS_ALL_VOXELS = new Set<EditTool>(['point', 'box', 'brush', 'eraser']);
const WAIT_TITLE = 'Wait until the volume has finished loading';

const TOOLS: { id: EditTool; label: string; key: string }[] = [
  { id: 'navigate', label: '✛', key: 'Esc' },
  { id: 'point', label: 'Point', key: 'P' },
  { id: 'box', label: 'Box', key: 'X' },
  { id: 'brush', label: 'Brush', key: 'B' },
  { id: 'eraser', label: 'Eraser', key: 'E' },
];

export function SegmentEditorPanel({
  models,
  defaultExportDir,
  exportName,
  onBrowseImport,
  sourceIsDicom,
  saveAs,
  streaming = false,
}: {
  models: { id: string; name: string }[];
  /** Folder offered for exports (beside the open study). */
  defaultExportDir: string | null;
  /** The default file name for a format (patient and series, exportName.ts). */
  exportName: (format: 'dicom-seg' | 'nifti') => string;
  /** Opens the file browser (host mode) or a dialog to pick a mask file to import. */
  onBrowseImport: () => void;
  /** The open study is a DICOM series (DICOM SEG can reference it). */
  sourceIsDicom: boolean;
  /** Save as…: Electron's native Save dialog (the export runs at once), or host mode's file browser (fills the field). */
  saveAs?: SaveAs;
  /** The volume's voxels are still arriving: Point, Box, Brush and Eraser wait. */
  streaming?: boolean;
}) {
  const { editor, segStore } = useWorkstation();
  const t = useStore(editor.tools);
  const segments = useStore(segStore, (s) => s.segmentation?.segments ?? NO_SEGMENTS);
  // DICOM SEG references a DICOM series: the default (and the only SEG offer) for DICOM studies; NIfTI otherwise.
  const [chosenFormat, setFormat] = useState<'dicom-seg' | 'nifti' | null>(null);
  const format = sourceIsDicom ? (chosenFormat ?? 'dicom-seg') : 'nifti';
  const [deid, setDeid] = useState(false);
  const [exportPath, setExportPath] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const sep = defaultExportDir?.includes('\\') ? '\\' : '/';
  const suggested = defaultExportDir ? `${defaultExportDir}${sep}${exportName(format)}` : '';
  const path = exportPath ?? suggested;
  const statOf = (label: number) => t.stats.find((s) => s.label === label);
  // The field is narrower than a path: keep its end (the file name) in sight, and the whole path in the tooltip.
  const pathField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const el = pathField.current;
    if (el && document.activeElement !== el) el.scrollLeft = el.scrollWidth;
  }, [path]);
  const exportTo = (p: string, confirmed = false) => editor.exportTo(p, format, deid, confirmed).then((m) => m && setMessage(m));
  // The export's answer comes at the foot of a panel taller than the window: bring it into sight (it was below the fold).
  const messageRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) messageRef.current?.scrollIntoView({ block: 'nearest' });
  }, [message]);

  return (
    <section className="segment-editor" data-testid="segment-editor" data-volume-id={t.volumeId ?? ""}>
      <div className="tool-row" role="toolbar" aria-label="Segmentation tools">
        {TOOLS.map((tool) => {
          const waiting = streaming && NEEDS_ALL_VOXELS.has(tool.id);
          return (
            <button
              key={tool.id}
              className={t.tool === tool.id && !waiting ? 'on' : ''}
              onClick={() => t.setTool(tool.id)}
              disabled={waiting}
              title={waiting ? `${WAIT_TITLE} (${tool.label})` : `${tool.label} (${tool.key})`}
              data-testid={`tool-${tool.id}`}
            >
              {tool.label}
            </button>
          );
        })}
      </div>
      <div className="tool-row">
        <label title="What a point or box does">
          <select value={t.target} onChange={(e) => t.setTarget(e.target.value === 'refine' ? 'refine' : 'new')} data-testid="prompt-target">
            <option value="new">New lesion</option>
            <option value="refine" disabled={t.selected === null}>
              Refine selected
            </option>
          </select>
        </label>
        <label title="Segmentation model">
          <select value={t.modelId} onChange={(e) => t.setModel(e.target.value)} data-testid="prompt-model">
            {(models.length ? models : [{ id: 'classical', name: 'Classical region growing' }]).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label className="small" title="A plain click adds a negative point">
          <input type="checkbox" checked={t.negativeClicks} onChange={(e) => t.setNegativeClicks(e.target.checked)} data-testid="negative-toggle" /> −
        </label>
      </div>
      {(t.tool === 'brush' || t.tool === 'eraser') && (
        <div className="tool-row">
          <label className="small">
            {t.brushRadiusMm.toFixed(1)} mm
            <input type="range" min={0.5} max={30} step={0.5} value={Math.min(30, t.brushRadiusMm)} onChange={(e) => t.setBrushRadius(Number(e.target.value))} data-testid="brush-radius" aria-label="Brush radius (mm)" />
          </label>
          <select value={t.brushShape} onChange={(e) => t.setBrushShape(e.target.value === 'sphere' ? 'sphere' : 'disc')} data-testid="brush-shape">
            <option value="disc">2D disc</option>
            <option value="sphere">3D sphere</option>
          </select>
          {t.tool === 'brush' && (
            <label className="small" title="Threshold-limited brush: ± HU around the first clicked voxel">
              <input type="checkbox" checked={t.brushToleranceHu !== null} onChange={(e) => t.setBrushTolerance(e.target.checked ? 50 : null)} /> ±HU
              {t.brushToleranceHu !== null && (
                <input type="number" min={0} step={10} value={t.brushToleranceHu} onChange={(e) => t.setBrushTolerance(Number(e.target.value))} style={{ width: '4em' }} aria-label="Threshold tolerance (HU)" />
              )}
            </label>
          )}
        </div>
      )}
      {t.notice && (
        <div className="segment-notice small" role="status" data-testid="segment-notice">
          {t.notice}
        </div>
      )}
      {t.error && (
        <div className="segment-error" role="alert" data-testid="segment-error">
          {t.error}
        </div>
      )}
      <div className="tool-row">
        <button onClick={() => void editor.create()} data-testid="segment-new">
          + Segment
        </button>
        <button
          onClick={() => void editor.refineFromMask()}
          disabled={t.selected === null}
          title="Paint a rough stroke with the brush, then let the model delineate the lesion from it"
          data-testid="segment-refine-mask"
        >
          Refine from mask
        </button>
        <button onClick={() => void editor.undo()} disabled={t.history.position === 0} title="Undo (Ctrl+Z)" data-testid="segment-undo">
          Undo
        </button>
        <button onClick={() => void editor.redo()} disabled={t.history.position >= t.history.items.length} title="Redo (Ctrl+Shift+Z)" data-testid="segment-redo">
          Redo
        </button>
      </div>
      <ul className="segment-list" data-testid="segment-list">
        {segments.map((s) => {
          const st = statOf(s.label);
          return (
            <li key={s.label} className={t.selected === s.label ? 'selected' : ''} data-testid={`segment-${s.label}`} onClick={() => t.select(s.label)}>
              <input type="checkbox" checked={s.visible} onChange={(e) => void editor.update(s.label, { visible: e.target.checked })} aria-label={`Show ${s.name}`} />
              <input type="color" value={hex(s.colour)} onChange={(e) => void editor.update(s.label, { colour: rgb(e.target.value) })} aria-label={`Colour of ${s.name}`} />
              <input
                className="segment-name"
                defaultValue={s.name}
                key={s.name}
                onBlur={(e) => e.target.value !== s.name && void editor.update(s.label, { name: e.target.value.slice(0, 256) })}
                aria-label={`Name of segment ${s.label}`}
              />
              <button className={s.locked ? 'on' : ''} onClick={() => void editor.update(s.label, { locked: !s.locked })} title={s.locked ? 'Unlock' : 'Lock'} data-testid={`segment-lock-${s.label}`}>
                {s.locked ? 'Locked' : 'Lock'}
              </button>
              <button onClick={() => editor.jumpTo(s.label)} title="Jump to" data-testid={`segment-jump-${s.label}`}>
                Go to
              </button>
              <button onClick={() => void editor.remove(s.label)} title="Delete" disabled={s.locked} data-testid={`segment-delete-${s.label}`}>
                ✕
              </button>
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={s.opacity ?? 1}
                onChange={(e) => void editor.update(s.label, { opacity: Number(e.target.value) })}
                aria-label={`Opacity of ${s.name}`}
              />
              <span className="small segment-stats" data-testid={`segment-stats-${s.label}`} data-voxels={st?.voxels ?? 0}>
                {st ? `${st.volumeMl.toFixed(2)} mL · ${st.sliceSpan ? `slices ${st.sliceSpan[0] + 1}–${st.sliceSpan[1] + 1}` : 'empty'}` : ''}
              </span>
            </li>
          );
        })}
      </ul>
      <h3>History</h3>
      <ol className="history-list" data-testid="history-list">
        {t.history.items.map((h) => (
          <li key={h.id} className={h.applied ? '' : 'undone'}>
            {h.name}
          </li>
        ))}
      </ol>
      <h3>Export / import</h3>
      <div className="tool-row">
        <select value={format} onChange={(e) => setFormat(e.target.value === 'nifti' ? 'nifti' : 'dicom-seg')} data-testid="export-format">
          <option value="dicom-seg" disabled={!sourceIsDicom} title={sourceIsDicom ? '' : 'DICOM SEG needs a DICOM series; this study is not DICOM'}>
            DICOM SEG
          </option>
          <option value="nifti">NIfTI labelmap</option>
        </select>
        <label className="small">
          <input type="checkbox" checked={deid} onChange={(e) => setDeid(e.target.checked)} data-testid="export-deid" /> De-identify
        </label>
      </div>
      <input ref={pathField} className="export-path" value={path} title={path} onChange={(e) => setExportPath(e.target.value)} aria-label="Export to" data-testid="export-path" />
      {saveAs && (
        <div className="tool-row">
          <button
            onClick={() =>
              saveAs(path.split(/[\\/]/).pop() || exportName(format), exportFilters(format), (picked, native) => {
                setExportPath(picked);
                // The system's dialog asked about replacing an existing file: the export does not ask again.
                if (native) void exportTo(picked, true);
              })
            }
            data-testid="export-save-as"
          >
            Save as…
          </button>
        </div>
      )}
      <div className="tool-row">
        <button disabled={!path} onClick={() => void exportTo(path)} data-testid="export-button">
          Export
        </button>
        <button onClick={onBrowseImport} data-testid="import-button">
          Import mask…
        </button>
      </div>
      {message && (
        <div ref={messageRef} className="small" data-testid="export-message">
          {message}
        </div>
      )}
    </section>
  );
}
