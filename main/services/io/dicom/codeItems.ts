/** Coded concepts (PS3.3 code sequence items) in and out of naturalized data sets. */
import type { NaturalDataset } from './part10';
import { nText } from './naturalValues';

/** A coded concept (DICOM code sequence item). */
export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

/** The code of a code sequence item (CodeValue, LongCodeValue or URNCodeValue); undefined when it has none. */
export function parseCode(item: NaturalDataset | undefined): Code | undefined {
  if (!item) return undefined;
  const value = nText(item, 'CodeValue') || nText(item, 'LongCodeValue') || nText(item, 'URNCodeValue');
  if (!value) return undefined;
  return { value, scheme: nText(item, 'CodingSchemeDesignator'), meaning: nText(item, 'CodeMeaning') };
}

export function codeItem(c: Code): NaturalDataset {
  return { CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning };
}
