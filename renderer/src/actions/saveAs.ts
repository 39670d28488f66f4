/**
 * "Save as…": in Electron the native Save dialog (dialog:save), in host mode the
 * workstation's file browser in its save-name mode. The caller learns which one
 * chose the path: a native dialog's choice is final (the export runs at once),
 * the file browser's fills the export field first (host mode as before).
 */
import type { ChannelRequest } from '../../../common/contract';
import type { VoxaClient } from '../client/voxaClient';

export type SaveFilters = ChannelRequest<'dialog:save'>['filters'];
/** Picks a path for `suggestedName`; `onPicked` is not called when the user cancels. */
export type SaveAs = (suggestedName: string, filters: SaveFilters, onPicked: (path: string, native: boolean) => void) => void;

/** The file-type filters of the native dialog for an export format. */
export function exportFilters(format: 'dicom-seg' | 'nifti'): SaveFilters {
  return format === 'nifti' ? [{ name: 'NIfTI labelmap', extensions: ['nii.gz', 'nii'] }] : [{ name: 'DICOM SEG', extensions: ['dcm'] }];
}

export function createSaveAs(
  client: Pick<VoxaClient, 'invoke'>,
  nativeDialogs: boolean,
  browse: (suggestedName: string, onPicked: (path: string) => void) => void,
  onError: (message: string) => void = () => undefined,
): SaveAs {
  if (!nativeDialogs) return (name, _filters, onPicked) => browse(name, (p) => onPicked(p, false));
  return (name, filters, onPicked) =>
    void client.invoke('dialog:save', { suggestedName: name.slice(0, 255) || 'export', filters }).then(
      (r) => r.path && onPicked(r.path, true),
      (e: unknown) => onError(e instanceof Error ? e.message : String(e)),
    );
}
