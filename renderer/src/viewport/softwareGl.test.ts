import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer } from './softwareGl';

describe('isSoftwareRenderer', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', true],
    ['ANGLE (Google, SwiftShader Device (LLVM 10.0.0), SwiftShader driver-5.0.0)', true],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', true],
    ['Mesa softpipe', true],
    ['ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)', true],
    ['ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0, D3D11)', false],
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', false],
    ['Apple M1', false],
    ['Mesa Intel(R) Xe Graphics (TGL GT2)', false],
    ['', false],
  ])('%s → %s', (name, soft) => {
    expect(isSoftwareRenderer(name)).toBe(soft);
  });
});
