/**
 * The PACS tab's state (no React): configured nodes and the one selected, the
 * last search and its results, the series of expanded studies, the running
 * retrieve with its progress, and one error per control (shown beside the
 * control that caused it, cleared by its next success). app/pacs.ts fills it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PacsSeries, PacsStudy } from '../../../common/contract/channels/pacs';
import type { ChannelResponse } from '../../../common/contract';

export type PacsNodeView = ChannelResponse<'pacs:nodes'>['nodes'][number];

/** The controls that can fail, each with its own error line. */
export type PacsControl = 'nodes' | 'add' | 'echo' | 'remove' | 'search' | 'series' | 'retrieve' | 'send';

export interface RetrieveJob {
  jobId: string;
  node: string;
  studyUid: string;
  /** Retrieving only these series (a per-series Retrieve); undefined = the whole study. */
  seriesUids?: string[];
  received: number;
  expected: number;
  bytes: number;
  mbPerSecond: number;
  cancelling: boolean;
}

export interface RetrieveOutcome {
  studyUid: string;
  seriesUid?: string;
  text: string;
  /** Cancelled or some series incomplete: pressing Retrieve again resumes. */
  incomplete: boolean;
}

export interface PacsState {
  nodes: PacsNodeView[] | null;
  node: string | null;
  echo: string | null;
  errors: Partial<Record<PacsControl, string>>;
  searching: boolean;
  results: PacsStudy[] | null;
  expanded: string | null;
  series: Record<string, PacsSeries[] | 'loading'>;
  retrieve: RetrieveJob | null;
  outcome: RetrieveOutcome | null;
  openWhenReady: boolean;
  sending: boolean;
  sendNote: string | null;
  setNodes(nodes: PacsNodeView[]): void;
  selectNode(name: string | null): void;
  setEcho(line: string | null): void;
  setError(control: PacsControl, message: string | null): void;
  setSearching(on: boolean): void;
  setResults(studies: PacsStudy[] | null): void;
  setExpanded(studyUid: string | null): void;
  setSeries(studyUid: string, series: PacsSeries[] | 'loading' | null): void;
  setRetrieve(job: RetrieveJob | null): void;
  patchRetrieve(patch: Partial<RetrieveJob>): void;
  setOutcome(o: RetrieveOutcome | null): void;
  setOpenWhenReady(on: boolean): void;
  setSending(on: boolean): void;
  setSendNote(note: string | null): void;
}

export type PacsStore = StoreApi<PacsState>;

/** A copy of `record` with `key` set to `value`, or without it for null. */
function withEntry<R extends Partial<Record<string, unknown>>, K extends keyof R & string>(record: R, key: K, value: R[K] | null): R {
  const next = { ...record };
  if (value === null) delete next[key];
  else next[key] = value;
  return next;
}

export function createPacsStore(): PacsStore {
  return createStore<PacsState>()((set) => ({
    nodes: null,
    node: null,
    echo: null,
    errors: {},
    searching: false,
    results: null,
    expanded: null,
    series: {},
    retrieve: null,
    outcome: null,
    openWhenReady: true,
    sending: false,
    sendNote: null,
    setNodes: (nodes) =>
      set((s) => ({ nodes, node: s.node && nodes.some((n) => n.name === s.node) ? s.node : (nodes[0]?.name ?? null) })),
    // Another node: its echo, results and series are not this one's.
    selectNode: (node) => set((s) => (s.node === node ? {} : { node, echo: null, results: null, expanded: null, series: {}, errors: {} })),
    setEcho: (echo) => set({ echo }),
    setError: (control, message) => set((s) => ({ errors: withEntry(s.errors, control, message) })),
    setSearching: (searching) => set({ searching }),
    setResults: (results) => set({ results, expanded: null, series: {} }),
    setExpanded: (expanded) => set({ expanded }),
    setSeries: (studyUid, list) => set((s) => ({ series: withEntry(s.series, studyUid, list) })),
    setRetrieve: (retrieve) => set({ retrieve }),
    patchRetrieve: (patch) => set((s) => (s.retrieve ? { retrieve: { ...s.retrieve, ...patch } } : {})),
    setOutcome: (outcome) => set({ outcome }),
    setOpenWhenReady: (openWhenReady) => set({ openWhenReady }),
    setSending: (sending) => set({ sending }),
    setSendNote: (sendNote) => set({ sendNote }),
  }));
}
