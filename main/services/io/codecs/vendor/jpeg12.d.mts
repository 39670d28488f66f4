/** Types of the vendored 12-bit capable JPEG (DCT) decoder. */
export default class JpegImage {
  constructor();
  width: number;
  height: number;
  colorTransform: boolean | undefined;
  components: unknown[];
  parse(data: Uint8Array): void;
  getData(width: number, height: number): Uint8Array;
  getData16(width: number, height: number): Uint16Array;
}
