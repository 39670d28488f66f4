/** The 3D viewport: volume rendering, box clipping and segment surfaces (extracted in a Web Worker). */
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useWorkstation } from '../app/workstation';
import { VR_PRESETS } from '../state/volumePresets';
import { percentiles } from '../state/windowPresets';
import type { SurfaceRequest, SurfaceResult } from './surfaceMessages';
import { affine12, cropLabelMask, labelBoxes } from './surfaceMask';
import { extractSurface } from './surfaceWorker';
import { downsampleVolume } from './volumeDownsample';
import { reduced3d } from './softwareGl';
import { VtkVolumeView } from './vtkVolumeView';

/** Runs surface extraction in a worker; falls back to the UI thread where module workers are unavailable. */
class SurfaceExtractor {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<number, (r: SurfaceResult) => void>();

  constructor() {
    try {
      this.worker = new Worker(new URL('./surfaceWorker.js', document.baseURI), { type: 'module' });
      this.worker.onmessage = (e: MessageEvent<SurfaceResult>) => {
        this.pending.get(e.data.id)?.(e.data);
        this.pending.delete(e.data.id);
      };
      this.worker.onerror = () => {
        this.worker?.terminate();
        this.worker = null;
      };
    } catch {
      this.worker = null;
    }
  }

  run(req: Omit<SurfaceRequest, 'id'>): Promise<SurfaceResult> {
    const id = this.next++;
    const full: SurfaceRequest = { ...req, id };
    if (!this.worker) return Promise.resolve(extractSurface(full));
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker?.postMessage(full, [full.mask.buffer]);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.pending.clear();
  }
}

export function Volume3DViewport() {
  const { store, segStore } = useWorkstation();
  const containerRef = useRef<HTMLDivElement>(null);
  const vtkRef = useRef<VtkVolumeView | null>(null);
  const volume = useStore(store, (s) => s.volume);
  // Streaming volumes reach the 3D view once, whole: no texture upload per chunk.
  const streaming = useStore(store, (s) => s.streaming !== null);
  const preset = useStore(store, (s) => s.vrPreset);
  const clip = useStore(store, (s) => s.clip);
  const active = useStore(store, (s) => s.activeView === '3d');
  const segmentation = useStore(segStore, (s) => s.segmentation);
  const show3d = useStore(segStore, (s) => s.representation.show3d);

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return undefined;
    const v = new VtkVolumeView(el);
    vtkRef.current = v;
    const observer = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      v.resize(r.width, r.height);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      v.dispose();
      vtkRef.current = null;
    };
  }, []);

  // Lazily, after the MPR views have drawn their first images: subsampling and
  // the 3D texture upload never delay the first image of a newly opened volume.
  useEffect(() => {
    if (!vtkRef.current) return undefined;
    if (!volume || streaming) {
      vtkRef.current.clearVolume();
      return undefined;
    }
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => {
        const v = vtkRef.current;
        if (!v) return;
        const d = downsampleVolume(volume.header.geometry, volume.voxels);
        v.setVolume(d.geometry, d.voxels);
        v.setClip(store.getState().clip);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [volume, streaming, store]);

  useEffect(() => {
    const p = VR_PRESETS.find((x) => x.id === preset);
    if (!volume || streaming || !p || !vtkRef.current) return;
    vtkRef.current.setPreset(p, p.units === 'relative' ? percentiles(volume.voxels, 0.01, 0.995) : [0, 1]);
  }, [volume, streaming, preset]);

  useEffect(() => {
    vtkRef.current?.setClip(clip);
  }, [clip, volume]);

  // Segment surfaces: re-extract (debounced) when the labelmap changes.
  const version = segmentation?.version;
  const labelmap = segmentation?.labels;
  useEffect(() => {
    const v = vtkRef.current;
    const seg = segStore.getState().segmentation;
    if (!v || !volume || !seg || !labelmap || seg.volumeId !== volume.header.volumeId || !show3d) {
      v?.removeSurfacesExcept(new Set());
      return undefined;
    }
    const extractor = new SurfaceExtractor();
    let cancelled = false;
    const timer = setTimeout(() => {
      const boxes = labelBoxes(labelmap, seg.dimensions);
      const affine = affine12(volume.header.geometry);
      v.removeSurfacesExcept(new Set(boxes.keys()));
      for (const [label, box] of boxes) {
        const c = cropLabelMask(labelmap, seg.dimensions, label, box);
        void extractor.run({ label, dims: c.dims, offset: c.offset, mask: c.mask, affine }).then((r) => {
          if (cancelled) return;
          const meta = segStore.getState().segmentation?.segments.find((s) => s.label === r.label);
          v.setSurface(r, meta?.colour ?? [255, 255, 0], meta?.visible ?? true, meta?.opacity);
        });
      }
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      extractor.dispose();
    };
  }, [segStore, volume, labelmap, version, show3d]);

  // Colour, visibility and opacity changes without re-extraction.
  const segments = segmentation?.segments;
  useEffect(() => {
    for (const s of segments ?? []) vtkRef.current?.setSurfaceVisibility(s.label, s.colour, s.visible, s.opacity);
  }, [segments]);

  return (
    <div className={`viewport viewport-3d${active ? ' active' : ''}`} data-testid="3d-viewport" onDoubleClick={() => store.getState().toggleMaximised('3d')}>
      <div ref={containerRef} className="viewport-canvas" onPointerDown={() => store.getState().setActiveView('3d')} />
      {volume ? (
        <div className="corner corner-tr">
          3D · {VR_PRESETS.find((p) => p.id === preset)?.label}
          {reduced3d() && (
            <div data-testid="3d-reduced" title="No GPU acceleration (software WebGL): the 3D view renders at half resolution so that it stays responsive">
              half resolution (no GPU)
            </div>
          )}
          {streaming && <div data-testid="3d-waiting">(after the voxels have arrived)</div>}
        </div>
      ) : (
        <div className="viewport-empty">3D</div>
      )}
    </div>
  );
}
