// Minimal typings for the parts of dcmjs that Voxa uses (dcmjs ships none).
declare module 'dcmjs' {
  export interface DicomElement {
    vr: string;
    Value?: unknown[];
    InlineBinary?: string;
  }
  export type DicomDict = Record<string, DicomElement>;
  export interface ReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }
  export class DicomMessage {
    static readFile(buffer: ArrayBuffer, options?: ReadOptions): { meta: DicomDict; dict: DicomDict };
  }
  export class DicomMetaDictionary {
    static naturalizeDataset(dict: DicomDict): Record<string, unknown>;
    static uid(): string;
  }
  export const data: {
    DicomMessage: typeof DicomMessage;
    DicomMetaDictionary: typeof DicomMetaDictionary;
  };
  const dcmjs: { data: typeof data };
  export default dcmjs;
}
