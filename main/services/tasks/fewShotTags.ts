/**
 * The user's few-shot tags: per finding, the series or lesions tagged positive
 * or negative, each with its embedding (computed when it was tagged, so
 * training never has to reopen the images). One finding = one encoder and one
 * scope. Kept in `fewshot-tags.json` in the data folder (in memory without one);
 * written to a temporary file then renamed.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { VoxaError } from '../../../common/contract';

export const FEWSHOT_TAGS_FILE = 'fewshot-tags.json';

const storedTagSchema = z.object({
  id: z.string(),
  finding: z.string(),
  positive: z.boolean(),
  scope: z.enum(['series', 'lesion']),
  encoderId: z.string(),
  name: z.string(),
  /** Identity of what was tagged (source path | series UID | lesion label): tagging it again replaces the tag. */
  key: z.string(),
  taggedAt: z.string(),
  embedding: z.array(z.number()),
});
export type StoredTag = z.infer<typeof storedTagSchema>;
const fileSchema = z.object({ version: z.literal(1), tags: z.array(storedTagSchema) });

export interface TagSet {
  finding: string;
  scope: 'series' | 'lesion';
  encoderId: string;
  counts: { positive: number; negative: number };
  tags: Omit<StoredTag, 'embedding' | 'key'>[];
}

/** Findings compare case- and space-insensitively ("Ground glass" = "ground  glass"). */
export const findingKey = (finding: string) => finding.trim().toLowerCase().replace(/\s+/g, ' ');

export class FewShotTags {
  private tags: StoredTag[];

  constructor(private readonly dataDir: string | null) {
    this.tags = [];
    const file = this.file();
    if (file && existsSync(file)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new VoxaError('CORRUPT_INPUT', `${FEWSHOT_TAGS_FILE} in the data folder is not readable JSON (${e instanceof Error ? e.message : String(e)})`);
      }
      const r = fileSchema.safeParse(parsed);
      if (!r.success) throw new VoxaError('CORRUPT_INPUT', `${FEWSHOT_TAGS_FILE}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
      this.tags = r.data.tags;
    }
  }

  private file(): string | null {
    return this.dataDir ? path.join(this.dataDir, FEWSHOT_TAGS_FILE) : null;
  }

  private async save(): Promise<void> {
    const file = this.file();
    if (!file) return;
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify({ version: 1, tags: this.tags }));
    await rename(tmp, file);
  }

  /** The scope and encoder a finding was started with, or null for a new finding. */
  settings(finding: string): { scope: 'series' | 'lesion'; encoderId: string } | null {
    const t = this.tags.find((x) => findingKey(x.finding) === findingKey(finding));
    return t ? { scope: t.scope, encoderId: t.encoderId } : null;
  }

  async add(tag: Omit<StoredTag, 'id' | 'taggedAt'>): Promise<TagSet> {
    const s = this.settings(tag.finding);
    if (s && s.scope !== tag.scope) throw new VoxaError('BAD_REQUEST', `"${tag.finding}" is tagged on ${s.scope === 'series' ? 'whole series' : 'lesions'}; tag ${s.scope === 'series' ? 'series' : 'lesions'} for it, or use another finding name`);
    if (s && s.encoderId !== tag.encoderId) throw new VoxaError('BAD_REQUEST', `"${tag.finding}" uses the encoder ${s.encoderId}; its tags must all be embedded by the same encoder`);
    const fk = findingKey(tag.finding);
    this.tags = this.tags.filter((x) => !(findingKey(x.finding) === fk && x.key === tag.key));
    this.tags.push({ ...tag, finding: s ? (this.tags.find((x) => findingKey(x.finding) === fk)?.finding ?? tag.finding) : tag.finding.trim(), id: randomUUID(), taggedAt: new Date().toISOString() });
    await this.save();
    return this.set(tag.finding) as TagSet;
  }

  async remove(finding: string, tagId: string): Promise<TagSet> {
    const before = this.tags.length;
    const fk = findingKey(finding);
    this.tags = this.tags.filter((x) => !(findingKey(x.finding) === fk && x.id === tagId));
    if (this.tags.length === before) throw new VoxaError('NOT_FOUND', `no tag ${tagId} for "${finding}"`);
    await this.save();
    return this.set(finding) ?? { finding: finding.trim(), scope: 'series', encoderId: '', counts: { positive: 0, negative: 0 }, tags: [] };
  }

  /** The tags of one finding with their embeddings (for training). */
  cases(finding: string): StoredTag[] {
    return this.tags.filter((x) => findingKey(x.finding) === findingKey(finding));
  }

  set(finding: string): TagSet | null {
    const tags = this.cases(finding);
    const first = tags[0];
    if (!first) return null;
    return {
      finding: first.finding,
      scope: first.scope,
      encoderId: first.encoderId,
      counts: { positive: tags.filter((t) => t.positive).length, negative: tags.filter((t) => !t.positive).length },
      tags: tags.map(({ embedding: _e, key: _k, ...rest }) => rest),
    };
  }

  sets(): TagSet[] {
    const names = [...new Map(this.tags.map((t) => [findingKey(t.finding), t.finding])).values()];
    return names.map((n) => this.set(n) as TagSet);
  }
}
