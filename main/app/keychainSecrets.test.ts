/** PACS credentials in Electron: through safeStorage when the OS has a keychain, the 0600 file otherwise. */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { electronSecretStore, type SafeStorageLike } from './keychainSecrets';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A stand-in keychain: XOR with a key it keeps to itself (what matters is that the file never holds the plain text). */
function fakeKeychain(available: boolean, backend = 'gnome_libsecret'): SafeStorageLike & { calls: number } {
  const k = 0x5a;
  const fake = {
    calls: 0,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend as ReturnType<NonNullable<SafeStorageLike['getSelectedStorageBackend']>>,
    encryptString: (s: string) => {
      fake.calls++;
      return Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ k));
    },
    decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ k)).toString('utf8'),
  };
  return fake;
}

describe('electronSecretStore', () => {
  it('encrypts with the keychain: the file holds ciphertext only (0600), and reads back', async () => {
    const userData = await mkdtemp(path.join(os.tmpdir(), 'voxa-keychain-'));
    dirs.push(userData);
    const keychain = fakeKeychain(true);
    const store = electronSecretStore(keychain, userData);
    await store.set('archive', 'hunter2-password');
    expect(keychain.calls).toBe(1);
    expect(store.where).toMatch(/keychain/);
    const file = path.join(userData, 'pacs', 'credentials.keychain.json');
    expect(await readFile(file, 'utf8')).not.toContain('hunter2');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await store.get('archive')).toBe('hunter2-password');
    await store.set('archive', null);
    expect(await store.get('archive')).toBeNull();
  });

  it.skipIf(process.platform !== 'linux')('Linux basic_text (a key built into Electron, not a keychain): the 0600 file', async () => {
    const userData = await mkdtemp(path.join(os.tmpdir(), 'voxa-keychain-'));
    dirs.push(userData);
    const store = electronSecretStore(fakeKeychain(true, 'basic_text'), userData);
    await store.set('archive', 'pw');
    expect(store.where).toMatch(/credentials\.json \(mode 0600\)/);
  });

  it('without a keychain (no libsecret on Linux): the 0600 file, and where says so', async () => {
    const userData = await mkdtemp(path.join(os.tmpdir(), 'voxa-keychain-'));
    dirs.push(userData);
    const store = electronSecretStore(fakeKeychain(false), userData);
    await store.set('archive', 'pw');
    expect(store.where).toMatch(/credentials\.json \(mode 0600\)/);
    expect((await stat(path.join(userData, 'pacs', 'credentials.json'))).mode & 0o777).toBe(0o600);
    expect(await store.get('archive')).toBe('pw');
  });
});
