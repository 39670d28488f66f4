/**
 * Ask about the image (task:vqa): the current axial slice (the crosshair), the
 * selected lesion or the whole series. Each answer shows its type, confidence
 * and alternatives; answers from Voxa's own measurements carry a "measured"
 * badge (they never come from a model). Suggested questions are chips.
 */
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { ChannelResponse } from '../../../common/contract';
import { useWorkstation } from '../app/workstation';
import { FewShotPanel } from './FewShotPanel';
import { useEscape } from './useEscape';

type Answer = ChannelResponse<'task:vqa'>;
type Scope = 'slice' | 'lesion' | 'series';
const pct = (p: number) => `${(100 * p).toFixed(1)}%`;

export function VqaPanel() {
  const { client, store, tools } = useWorkstation();
  const volume = useStore(store, (s) => s.volume);
  const selected = useStore(tools, (s) => s.selected);
  const [open, setOpen] = useState(false);
  const [teach, setTeach] = useState(false);
  const [question, setQuestion] = useState('');
  const [scope, setScope] = useState<Scope>('slice');
  const [chips, setChips] = useState<{ text: string; kind: 'model' | 'measured' }[]>([]);
  // Kept with the volume they are about: a newly opened volume shows neither.
  const [result, setResult] = useState<{ volumeId: string; answer: Answer | null; error: string | null } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const jobs = useRef(0);
  const volumeId = volume?.header.volumeId;

  useEffect(() => {
    if (!open || chips.length) return;
    client.invoke('task:questions', {}).then(
      (r) => setChips(r.questions),
      () => setChips([]),
    );
  }, [client, open, chips.length]);
  const effectiveScope: Scope = scope === 'lesion' && selected === null ? 'slice' : scope;
  // Esc closes the panel as the help says (it cancelled the editing tool instead).
  useEscape(open && !!volumeId, () => setOpen(false));

  if (!volumeId) return null;
  const answer = result?.volumeId === volumeId ? result.answer : null;
  const error = result?.volumeId === volumeId ? result.error : null;
  if (!open) {
    return (
      <button className="vqa-toggle" onClick={() => setOpen(true)} data-testid="vqa-toggle" title="Ask a question about the image">
        Ask…
      </button>
    );
  }

  const ask = async (q: string) => {
    const text = q.trim();
    if (!text || busy) return;
    setQuestion(text);
    const jobId = `vqa-${++jobs.current}`;
    setBusy(jobId);
    const s = store.getState();
    const req =
      effectiveScope === 'lesion' && selected !== null
        ? { kind: 'lesion' as const, label: selected }
        : effectiveScope === 'series'
          ? { kind: 'series' as const }
          : { kind: 'slice' as const, pointLps: s.crosshairLps };
    try {
      setResult({ volumeId, answer: await client.invoke('task:vqa', { volumeId, question: text, scope: req, jobId }), error: null });
    } catch (e) {
      setResult({ volumeId, answer: null, error: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="vqa-panel" data-testid="vqa-panel" aria-label="Ask about the image">
      <header>
        <h2>Ask</h2>
        <select value={effectiveScope} onChange={(e) => setScope(e.target.value as Scope)} data-testid="vqa-scope" aria-label="About">
          <option value="slice">this slice</option>
          <option value="lesion" disabled={selected === null}>
            {selected === null ? 'selected lesion (none)' : `lesion ${selected}`}
          </option>
          <option value="series">the series</option>
        </select>
        <button onClick={() => setTeach(!teach)} className={teach ? 'on' : ''} data-testid="fewshot-toggle" title="Teach Voxa a new finding from a few tagged cases">
          Teach…
        </button>
        <button onClick={() => setOpen(false)} aria-label="Close" className="vqa-close">
          ✕
        </button>
      </header>
      <div className="vqa-chips">
        {chips.map((c) => (
          <button key={c.text} className={`chip ${c.kind}`} onClick={() => void ask(c.text)} disabled={!!busy} data-testid="vqa-chip">
            {c.text}
          </button>
        ))}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void ask(question);
        }}
      >
        <input value={question} onChange={(e) => setQuestion(e.target.value)} placeholder="Question…" maxLength={500} data-testid="vqa-question" aria-label="Question" />
        {busy ? (
          <button type="button" onClick={() => void client.invoke('task:cancel', { jobId: busy }).catch(() => undefined)} data-testid="vqa-cancel">
            Cancel
          </button>
        ) : (
          <button type="submit" disabled={!question.trim()} data-testid="vqa-ask">
            Ask
          </button>
        )}
      </form>
      {error && (
        <p className="vqa-error" role="alert" data-testid="vqa-error">
          {error}
        </p>
      )}
      {answer && <AnswerView answer={answer} />}
      {teach && <FewShotPanel onClose={() => setTeach(false)} />}
    </section>
  );
}

/** One answer: its source badge, the answer, and for a model its confidence ("uncertain" when a calibrated pack says so). */
export function AnswerView({ answer }: { answer: Answer }) {
  if (answer.source === 'header') {
    return (
      <div className="vqa-answer" data-testid="vqa-answer" data-source="header" data-answer={answer.answer ?? ''}>
        <span className="badge measured" data-testid="vqa-header-badge" title="From the image's own header, not from a model">
          from the header
        </span>{' '}
        <strong data-testid="vqa-answer-text">{answer.answer ?? 'not in the header'}</strong>
        {answer.message && <p className="vqa-note">{answer.message}</p>}
      </div>
    );
  }
  if (answer.source === 'measured') {
    return (
      <div className="vqa-answer" data-testid="vqa-answer" data-source="measured" data-answer={answer.answer ?? ''}>
        <span className="badge measured" data-testid="vqa-measured-badge" title="From Voxa's own measurements, not from a model">
          measured
        </span>{' '}
        <strong data-testid="vqa-answer-text">{answer.answer ?? 'no measurement'}</strong>
        {answer.message && <p className="vqa-note">{answer.message}</p>}
      </div>
    );
  }
  return (
    <div className="vqa-answer" data-testid="vqa-answer" data-source="model" data-answer={answer.answer} data-uncertain={answer.uncertain ? 'true' : 'false'} data-slice={answer.slice}>
      <span className="badge model" title={`${answer.modelId} on ${answer.provider}`}>
        model
      </span>{' '}
      <strong data-testid="vqa-answer-text">{answer.answer}</strong> <span data-testid="vqa-confidence">{pct(answer.confidence)}</span>
      {answer.uncertain && (
        <>
          {' '}
          <span className="badge uncertain" data-testid="vqa-uncertain" title="The calibrated confidence is below the pack's threshold: treat this answer as a guess">
            uncertain
          </span>
        </>
      )}
      <span className="vqa-note">
        {' '}
        · {answer.answerType}
        {answer.family ? ` · ${answer.family}` : ''} · {answer.scope === 'series' ? `series (decided on slice ${answer.slice + 1})` : `slice ${answer.slice + 1}`} · {answer.timingsMs.total} ms
      </span>
      {answer.alternatives.length > 0 && (
        <ul className="vqa-alternatives" data-testid="vqa-alternatives">
          {answer.alternatives.slice(0, 4).map((a) => (
            <li key={a.answer}>
              {a.answer} {pct(a.probability)}
            </li>
          ))}
        </ul>
      )}
      {answer.unknownWords.length > 0 && <p className="vqa-note">Words the model does not know: {answer.unknownWords.join(', ')} (less reliable).</p>}
    </div>
  );
}
