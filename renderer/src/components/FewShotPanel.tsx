/**
 * Teach a finding from a few cases (fewshot:* channels): tag the open series or
 * the selected lesion as positive or negative, train (refused below 4 per
 * class, with what is missing), read the cross-validated AUROC with its spread,
 * and apply the saved probe to the open series (a calibrated score).
 */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ChannelResponse } from '../../../common/contract';
import { useWorkstation } from '../app/workstation';

type TagSet = ChannelResponse<'fewshot:tags'>['sets'][number];
type Trained = ChannelResponse<'fewshot:train'>;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function FewShotPanel({ onClose }: { onClose: () => void }) {
  const { client, store, tools } = useWorkstation();
  const volume = useStore(store, (s) => s.volume);
  const selected = useStore(tools, (s) => s.selected);
  const [finding, setFinding] = useState('');
  const [sets, setSets] = useState<TagSet[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const [trained, setTrained] = useState<Trained | null>(null);
  const [score, setScore] = useState<{ volumeId: string; packId: string; probability: number } | null>(null);

  useEffect(() => {
    client.invoke('fewshot:tags', {}).then(
      (r) => setSets(r.sets),
      () => undefined,
    );
  }, [client]);

  const current = sets.find((s) => s.finding.trim().toLowerCase() === finding.trim().toLowerCase()) ?? null;
  const volumeId = volume?.header.volumeId;

  const run = async <T,>(label: string, fn: () => Promise<T>): Promise<T | null> => {
    setBusy(label);
    setNote(null);
    try {
      return await fn();
    } catch (e) {
      setNote({ text: message(e), error: true });
      return null;
    } finally {
      setBusy(null);
    }
  };

  const tag = async (positive: boolean, lesion: boolean) => {
    if (!volumeId || !finding.trim()) return;
    const set = await run('Embedding…', () =>
      client.invoke('fewshot:tag', { volumeId, finding, positive, scope: lesion && selected !== null ? { kind: 'lesion', label: selected } : { kind: 'series' }, jobId: `fewshot-tag-${Date.now()}` }),
    );
    if (set) {
      setSets((all) => [...all.filter((s) => s.finding !== set.finding), set]);
      setNote({ text: `Tagged ${positive ? 'positive' : 'negative'}: ${set.counts.positive} positive, ${set.counts.negative} negative`, error: false });
    }
  };

  const train = async () => {
    const r = await run('Training…', () => client.invoke('fewshot:train', { finding, overwrite: true, jobId: `fewshot-train-${Date.now()}` }));
    if (r) {
      setTrained(r);
      setScore(null);
    }
  };

  const apply = async () => {
    if (!volumeId || !trained) return;
    const scope = trained.scope === 'lesion' && selected !== null ? ({ kind: 'lesion', label: selected } as const) : ({ kind: 'series' } as const);
    const r = await run('Scoring…', () => client.invoke('task:classify', { volumeId, modelId: trained.packId, scope }));
    const p = r?.scores.find((s) => s.label !== 'absent')?.probability;
    if (r && p !== undefined) setScore({ volumeId, packId: trained.packId, probability: p });
  };

  const f3 = (v: number) => v.toFixed(3);
  return (
    <section className="fewshot-panel" data-testid="fewshot-panel" aria-label="Teach a finding">
      <header>
        <h2>Teach a finding</h2>
        <button onClick={onClose} aria-label="Close" className="vqa-close">
          ✕
        </button>
      </header>
      <input value={finding} onChange={(e) => setFinding(e.target.value)} placeholder="Finding name…" maxLength={100} list="fewshot-findings" data-testid="fewshot-finding" aria-label="Finding" />
      <datalist id="fewshot-findings">
        {sets.map((s) => (
          <option key={s.finding} value={s.finding} />
        ))}
      </datalist>
      <div className="fewshot-row">
        <button disabled={!!busy || !finding.trim() || !volumeId} onClick={() => void tag(true, false)} data-testid="fewshot-tag-positive">
          Series: positive
        </button>
        <button disabled={!!busy || !finding.trim() || !volumeId} onClick={() => void tag(false, false)} data-testid="fewshot-tag-negative">
          Series: negative
        </button>
      </div>
      <div className="fewshot-row">
        <button disabled={!!busy || !finding.trim() || selected === null} onClick={() => void tag(true, true)} title="Tag the selected lesion">
          Lesion {selected ?? '–'}: positive
        </button>
        <button disabled={!!busy || !finding.trim() || selected === null} onClick={() => void tag(false, true)}>
          Lesion {selected ?? '–'}: negative
        </button>
      </div>
      <p className="vqa-note" data-testid="fewshot-counts">
        {current ? `${current.counts.positive} positive, ${current.counts.negative} negative ${current.scope === 'lesion' ? 'lesions' : 'series'} (${current.encoderId})` : 'Nothing tagged for this finding yet.'} At least 4 of each.
      </p>
      <div className="fewshot-row">
        <button disabled={!!busy || !current} onClick={() => void train()} data-testid="fewshot-train">
          Train
        </button>
        <button disabled={!!busy || !trained || !volumeId} onClick={() => void apply()} data-testid="fewshot-apply">
          Score this {trained?.scope === 'lesion' ? 'lesion' : 'series'}
        </button>
      </div>
      {busy && <p className="vqa-note">{busy}</p>}
      {note && (
        <p className={note.error ? 'vqa-error' : 'vqa-note'} role={note.error ? 'alert' : undefined} data-testid="fewshot-message">
          {note.text}
        </p>
      )}
      {trained && (
        <p data-testid="fewshot-result">
          {trained.packId}: cross-validated AUROC {f3(trained.cv.meanAuroc)} ± {f3(trained.cv.sdAuroc)} ({trained.cv.k}-fold × {trained.cv.repeats}; range {f3(trained.cv.minAuroc)}–{f3(trained.cv.maxAuroc)})
        </p>
      )}
      {score && score.volumeId === volumeId && score.packId === trained?.packId && (
        <p data-testid="fewshot-score">
          {trained.finding}: <strong>{(100 * score.probability).toFixed(1)}%</strong> (calibrated)
        </p>
      )}
    </section>
  );
}
