/**
 * Configured PACS nodes and their credentials. Nodes are in
 * `<data-dir>/pacs/nodes.json` (no secret in it); passwords and bearer tokens
 * go to a `SecretStore`: in host mode and the CLI a file only its owner can
 * read (0600, folder 0700), in Electron the OS keychain through safeStorage
 * (main/app/keychainSecrets.ts). Secrets are never returned to the renderer
 * and never logged.
 */
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { pacsNodeSchema, type PacsNode } from '../../../common/contract/channels/pacs';
import { writeFileAtomic } from '../io/atomicWrite';
import { z } from 'zod';

export interface SecretStore {
  get(name: string): Promise<string | null>;
  set(name: string, secret: string | null): Promise<void>;
  /** Where the secrets are kept, in words (for `voxa pacs list`). */
  readonly where: string;
}

/** A JSON file's value; null when it does not exist; CORRUPT_INPUT when it is not JSON. */
export async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new VoxaError('CORRUPT_INPUT', `${path.basename(file)} is not valid JSON; fix or remove it (${file})`);
  }
}

export async function writePrivate(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await chmod(path.dirname(file), 0o700);
  // Created 0600 (the temporary file too): never readable by others, not even for a moment.
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}

/** Secrets in a JSON file readable by its owner only; a file others can read is tightened before use. */
export class FileSecretStore implements SecretStore {
  constructor(private readonly file: string) {}
  get where(): string {
    return `${this.file} (mode 0600)`;
  }
  private async all(): Promise<Record<string, string>> {
    const s = await stat(this.file).catch(() => null);
    if (s && (s.mode & 0o077) !== 0) await chmod(this.file, 0o600);
    const json = await readJson(this.file);
    // A damaged file is an error, not "no secrets" (the next change would erase every one).
    const parsed = z.record(z.string(), z.string()).safeParse(json ?? {});
    if (!parsed.success) throw new VoxaError('CORRUPT_INPUT', `${path.basename(this.file)} does not hold credentials; fix or remove it (${this.file})`);
    return parsed.data;
  }
  async get(name: string): Promise<string | null> {
    return (await this.all())[name] ?? null;
  }
  async set(name: string, secret: string | null): Promise<void> {
    const all = await this.all();
    if (secret === null) delete all[name];
    else all[name] = secret;
    await writePrivate(this.file, all);
  }
}

/** Secrets for a process without a data folder (tests): kept in memory only. */
export class MemorySecretStore implements SecretStore {
  private readonly map = new Map<string, string>();
  readonly where = 'memory (not kept)';
  async get(name: string): Promise<string | null> {
    return this.map.get(name) ?? null;
  }
  async set(name: string, secret: string | null): Promise<void> {
    if (secret === null) this.map.delete(name);
    else this.map.set(name, secret);
  }
}

const nodesFileSchema = z.object({ version: z.literal(1), nodes: z.array(pacsNodeSchema) });

export class PacsNodeStore {
  private memory: PacsNode[] = [];
  constructor(
    /** `<data-dir>/pacs/nodes.json`, or null to keep nodes in memory. */
    private readonly file: string | null,
    readonly secrets: SecretStore,
  ) {}

  async list(): Promise<PacsNode[]> {
    if (!this.file) return [...this.memory];
    const json = await readJson(this.file);
    if (json === null) return [];
    const parsed = nodesFileSchema.safeParse(json);
    if (!parsed.success) throw new VoxaError('CORRUPT_INPUT', `${this.file} does not describe PACS nodes (${parsed.error.issues[0]?.message ?? 'bad shape'}); fix or remove it`);
    return parsed.data.nodes;
  }

  async get(name: string): Promise<PacsNode> {
    const node = (await this.list()).find((n) => n.name === name);
    if (!node) throw new VoxaError('NOT_FOUND', `no PACS node named "${name}" (voxa pacs list shows them)`);
    return node;
  }

  /**
   * Adds or replaces a node. A given secret replaces the stored one; without one, the stored secret
   * is kept only when the node still points where it pointed (same URL, auth and user): re-adding a
   * node with another URL must not send the old password there.
   */
  async put(node: PacsNode, secret?: string): Promise<{ replaced: boolean }> {
    return this.serial(async () => {
      const nodes = await this.list();
      const before = nodes.find((n) => n.name === node.name);
      const next = [...nodes.filter((n) => n.name !== node.name), node].sort((a, b) => a.name.localeCompare(b.name));
      if (this.file) await writePrivate(this.file, { version: 1, nodes: next });
      else this.memory = next;
      const samePlace = before?.kind === 'dicomweb' && node.kind === 'dicomweb' && before.url === node.url && before.auth === node.auth && before.username === node.username;
      if (secret !== undefined) await this.secrets.set(node.name, secret);
      else if (node.kind === 'dimse' || node.auth === 'none' || !samePlace) await this.secrets.set(node.name, null);
      return { replaced: before !== undefined };
    });
  }

  async remove(name: string): Promise<boolean> {
    return this.serial(async () => {
      const nodes = await this.list();
      if (!nodes.some((n) => n.name === name)) return false;
      const next = nodes.filter((n) => n.name !== name);
      if (this.file) await writePrivate(this.file, { version: 1, nodes: next });
      else this.memory = next;
      await this.secrets.set(name, null);
      return true;
    });
  }

  /** One change at a time: two read-modify-writes in parallel lost nodes and secrets. */
  private queue: Promise<unknown> = Promise.resolve();
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
