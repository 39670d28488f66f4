/**
 * The layering table of ../shared/STYLE.md is enforced by eslint import
 * zones. Each case lints a one-line file placed (virtually) in a layer and
 * expects the zone rule to fire — or not, for allowed imports.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function zoneErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const x = 1;\n`, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering (lint import zones)', () => {
  it.each([
    ['renderer/src/components/Bad.tsx', "import { readFileSync } from 'node:fs';"],
    ['renderer/src/components/Bad.tsx', "import fs from 'fs';"],
    ['renderer/src/components/Bad.tsx', "import { ipcRenderer } from 'electron';"],
    ['renderer/src/components/Bad.tsx', "import { loadVolume } from '../../../main/services/io/volumeLoader';"],
    ['renderer/src/components/Bad.tsx', "import { contextBridge } from '../../../preload/preload';"],
    ['main/services/io/bad.ts', "import { app } from 'electron';"],
    ['main/host/bad.ts', "import { BrowserWindow } from 'electron';"],
    ['main/services/bad.ts', "import { App } from '../../renderer/src/app/App';"],
    ['common/geometry/bad.ts', "import path from 'node:path';"],
    ['common/geometry/bad.ts', "import { useState } from 'react';"],
    ['common/contract/bad.ts', "import { Router } from '../../main/ipc/router';"],
    ['preload/bad.ts', "import { loadVolume } from '../main/services/io/volumeLoader';"],
    ['preload/bad.ts', "import { affine } from '../common/geometry/affine';"],
    ['renderer/src/state/bad.ts', "import { useState } from 'react';"],
    ['renderer/src/state/bad.ts', "import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';"],
    ['renderer/src/state/bad.ts', "import { create } from 'zustand';"],
    // A tool's state and behaviour, and the MPR geometry, stay free of React and vtk.js.
    ['renderer/src/tools/brush/state.ts', "import { useState } from 'react';"],
    ['renderer/src/tools/caliper/behavior.ts', "import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';"],
    ['renderer/src/tools/toolStore.ts', "import { create } from 'zustand';"],
    ['renderer/src/geometry/bad.ts', "import { Viewport } from '../components/Viewport';"],
    // Services know nothing of IPC: no handler, router or call context.
    ['main/services/io/bad.ts', "import type { CallContext } from '../../ipc/router';"],
    ['main/services/bad.ts', "import { createHandlers } from '../ipc/handlers';"],
    ['main/services/segmentation/bad.ts', "import { electron } from 'electron';"],
    // Test-only helpers never reach what ships.
    ['main/services/io/bad.ts', "import { dciodvfyErrors } from '../../testing/dicomValidator';"],
    ['main/services/pacs/bad.ts', "import { startOrthanc } from './testing/orthanc';"],
    ['renderer/src/app/bad.ts', "import { x } from '../testing/fakes';"],
    ['common/segmentation/bad.ts', "import { x } from '../testing/fixtures';"],
  ])('%s: %s fails lint', async (file, code) => {
    const errors = await zoneErrors(file, code);
    expect(errors.length).toBe(1);
    expect(errors[0]).toMatch(/STYLE\.md/);
  });

  it.each([
    ['renderer/src/components/Ok.tsx', "import { contract } from '../../../common/contract';"],
    ['renderer/src/client/ok.ts', "import type { VoxaBridge } from '../../../preload/bridge';"],
    ['renderer/src/state/ok.ts', "import { createStore } from 'zustand/vanilla';"],
    ['renderer/src/tools/brush/render.tsx', "import { useState } from 'react';"],
    ['main/app/ok.ts', "import { app } from 'electron';"],
    ['main/services/io/ok.ts', "import { readFile } from 'node:fs/promises';"],
    ['common/geometry/ok.ts', "import { z } from 'zod';"],
    ['preload/ok.ts', "import { contextBridge } from 'electron';\nimport { CHANNELS } from '../common/contract';"],
    ['main/services/io/ok.test.ts', "import { dciodvfyErrors } from '../../testing/dicomValidator';"],
    ['main/ipc/handlers/ok.ts', "import { SegmentSessions } from '../../services/segmentation/segmentSessions';"],
    ['main/services/access/ok.test.ts', "import { createHandlers } from '../../ipc/handlers';"],
    ['main/services/pacs/testing/ok.ts', "import { writeTestStudy } from './fixtures';"],
    ['main/services/pacs/ok.test.ts', "import { startOrthanc } from './testing/orthanc';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await zoneErrors(file, code)).toEqual([]);
  });
});
