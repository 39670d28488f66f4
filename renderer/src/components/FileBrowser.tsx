/** Host-mode file browser: lists the configured roots only (the server enforces it). */
import { useEffect, useState } from 'react';
import type { FsEntry } from '../../../common/contract';
import { useWorkstation } from '../app/workstation';
import { FileIcon } from './FileIcon';
import { useEscape } from './useEscape';

interface Props {
  /** What the pick is for, as the dialog's title (e.g. "Import into the study database"). */
  title?: string;
  /** Save-as: pick a folder inside the roots and a file name (starting with this one); onOpen gets folder/name. */
  saveName?: string;
  onOpen: (path: string) => void;
  onClose: () => void;
}

export function FileBrowser({ title = 'Open image', saveName, onOpen, onClose }: Props) {
  const { client } = useWorkstation();
  const [name, setName] = useState(saveName ?? '');
  const [dir, setDir] = useState<{ path: string | null; parent: string | null; entries: FsEntry[] }>({ path: null, parent: null, entries: [] });
  const [error, setError] = useState<string | null>(null);

  const showRoots = () =>
    client.invoke('fs:roots', {}).then(
      // Saving: folders only (a granted file among the roots, such as the demo image, is no place to save a segmentation).
      (r) => setDir({ path: null, parent: null, entries: saveName === undefined ? r.roots : r.roots.filter((e) => e.kind === 'directory') }),
      (e: unknown) => setError(e instanceof Error ? e.message : 'cannot list roots'),
    );
  const list = (path: string) =>
    client.invoke('fs:list', { path }).then(
      (r) => {
        setError(null);
        setDir(r);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : 'cannot list folder'),
    );

  useEscape(true, onClose);
  useEffect(() => {
    void showRoots();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="modal-backdrop" role="dialog" aria-label={title} data-testid="file-browser">
      <div className="modal file-browser">
        <header>
          <strong data-testid="fb-title">{title}</strong>
          <span className="path" title={dir.path ?? ''}>{dir.path ?? 'Locations'}</span>
          <button onClick={onClose} aria-label="Close">✕</button>
        </header>
        <div className="fb-actions">
          <button disabled={dir.path === null} onClick={() => (dir.parent ? void list(dir.parent) : void showRoots())}>↑ Up</button>
          {dir.path !== null && saveName === undefined && (
            <button data-testid="open-folder" onClick={() => dir.path && onOpen(dir.path)}>
              Open this folder as DICOM series
            </button>
          )}
        </div>
        {saveName !== undefined && (
          <div className="fb-actions">
            <input value={name} onChange={(e) => setName(e.target.value)} aria-label="File name" data-testid="fb-save-name" />
            <button
              disabled={dir.path === null || !name.trim() || /[\\/]/.test(name)}
              title={dir.path === null ? 'Choose a folder first' : ''}
              onClick={() => dir.path && onOpen(`${dir.path}${dir.path.includes('\\') ? '\\' : '/'}${name.trim()}`)}
              data-testid="fb-save-here"
            >
              Save here
            </button>
          </div>
        )}
        {error && <div className="error">{error}</div>}
        <ul className="fb-list">
          {dir.entries.map((e) => (
            <li key={e.path}>
              <button
                className={`fb-entry fb-${e.kind}`}
                data-testid={`fb-entry-${e.name}`}
                onClick={() => (e.kind === 'directory' ? void list(e.path) : saveName !== undefined ? setName(e.name) : onOpen(e.path))}
              >
                <span className="fb-icon">
                  <FileIcon kind={e.kind === 'directory' ? 'directory' : e.looksLike ? 'volume' : 'file'} />
                </span>
                <span className="fb-name">{e.name}</span>
                {e.kind === 'file' && <span className="fb-size">{(e.sizeBytes / 1024 / 1024).toFixed(1)} MB</span>}
              </button>
            </li>
          ))}
          {dir.entries.length === 0 && <li className="fb-empty">Empty</li>}
        </ul>
      </div>
    </div>
  );
}
