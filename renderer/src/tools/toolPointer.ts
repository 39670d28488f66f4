/**
 * How an editing tool takes over the left mouse button of an MPR viewport
 * (point and box prompts, brush, eraser): the viewport asks the handler on
 * pointer down; a non-null drag receives the moves and the release, in LPS.
 */
import type { Vec3 } from '../../../common/volume';
import type { MprView } from '../geometry/mprGeometry';

export interface ToolPointerDown {
  view: MprView;
  lps: Vec3;
  /** Ctrl, Alt or ⌘ held: a negative point. */
  negative: boolean;
}

export interface ToolDrag {
  /** `box` draws a rubber-band rectangle while dragging. */
  kind: 'click' | 'box' | 'stroke';
  move(lps: Vec3): void;
  up(lps: Vec3 | null): void;
}

export type ToolPointerHandler = (e: ToolPointerDown) => ToolDrag | null;

/** What the viewport draws under the pointer: a brush circle of this radius (mm), or nothing. */
export type ToolCursor = { radiusMm: number } | null;
