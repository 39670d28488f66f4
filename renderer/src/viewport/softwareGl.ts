/**
 * Software WebGL (no GPU, or the GPU blocked): Chromium's SwiftShader, Mesa's
 * llvmpipe/softpipe, Windows' Basic Render Driver. There every ray of the 3D
 * view's ray caster runs on the CPU, so a full-resolution frame of a CT takes
 * seconds and holds up the whole window; the 3D view then renders at a
 * reduced resolution (the MPR views, 2D textures, stay as they are).
 */

/** True for the renderer names software WebGL reports. */
export function isSoftwareRenderer(name: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name);
}

/** Share of the 3D view's pixels, per axis, that the ray caster renders (the canvas is scaled up to fit). */
export const SOFTWARE_3D_SCALE = 0.5;

let cached: string | null = null;

/** The WebGL renderer's name (unmasked where the browser allows), '' without WebGL. Probed once. */
export function webglRendererName(): string {
  if (cached !== null) return cached;
  cached = '';
  try {
    const canvas = document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      cached = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    cached = '';
  }
  return cached;
}

/** Whether the 3D view renders at the reduced resolution (software WebGL). */
export function reduced3d(): boolean {
  return isSoftwareRenderer(webglRendererName());
}
