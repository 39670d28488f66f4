import { describe, expect, it } from 'vitest';
import { buildNode, buildQuery, emptyNodeForm, emptySearchForm, progressLine, retrieveSummary, showDicomDate, toDicomDate } from './pacs';

const report = (o: { received: number; present: number[]; expected: number[]; cancelled?: boolean }) => ({
  node: 'orthanc',
  method: 'wado' as const,
  studyUid: '1.2',
  series: o.present.map((present, n) => ({ seriesUid: `1.2.${n}`, expected: o.expected[n]!, present, received: present, complete: present === o.expected[n] })),
  received: o.received,
  bytes: 2_500_000,
  seconds: 1.25,
  cancelled: o.cancelled ?? false,
  folder: '/tmp/x',
  indexed: 2,
});

describe('PACS tab helpers', () => {
  it('turns date inputs into DICOM dates and back', () => {
    expect(toDicomDate('2024-03-05')).toBe('20240305');
    expect(toDicomDate('')).toBeUndefined();
    expect(showDicomDate('20240305')).toBe('2024-03-05');
    expect(showDicomDate('')).toBe('');
  });

  it('builds a query from the filled fields only', () => {
    expect(buildQuery({ ...emptySearchForm, patientName: ' PACS ', modality: 'ct', dateFrom: '2024-01-01' })).toEqual({ limit: 200, patientName: 'PACS', modality: 'CT', studyDateFrom: '20240101' });
  });

  it('builds DICOMweb and DIMSE nodes, and says what is missing', () => {
    expect(buildNode({ ...emptyNodeForm, name: 'o', url: 'http://h/dicom-web' })).toEqual({ node: { kind: 'dicomweb', name: 'o', url: 'http://h/dicom-web', auth: 'none' } });
    expect(buildNode({ ...emptyNodeForm, name: 'o', url: 'http://h', auth: 'bearer', secret: 't' })).toEqual({ node: { kind: 'dicomweb', name: 'o', url: 'http://h', auth: 'bearer' }, secret: 't' });
    expect(buildNode({ ...emptyNodeForm, name: 'o', url: 'http://h', auth: 'basic' })).toEqual({ problem: 'Basic authentication needs a user name.' });
    expect(buildNode({ ...emptyNodeForm, name: 'p', kind: 'dimse', calledAet: 'PACS', host: 'h', port: '11112' })).toEqual({ node: { kind: 'dimse', name: 'p', calledAet: 'PACS', host: 'h', port: 11112, callingAet: 'VOXA' } });
    expect('problem' in buildNode({ ...emptyNodeForm, name: 'p', kind: 'dimse', calledAet: 'PACS', host: 'h', port: '0' })).toBe(true);
  });

  it('writes the progress and outcome lines', () => {
    expect(progressLine({ received: 3, expected: 19, mbPerSecond: 2.345 })).toBe('3 / 19 instances · 2.3 MB/s');
    expect(retrieveSummary(report({ received: 19, present: [12, 7], expected: [12, 7] }))).toEqual({ text: 'Retrieved 19 instances (2.5 MB) in 1.3 s.', incomplete: false });
    expect(retrieveSummary(report({ received: 0, present: [12, 7], expected: [12, 7] })).text).toBe('All 19 instances were already here: nothing to retrieve.');
    const cut = retrieveSummary(report({ received: 5, present: [5, 0], expected: [12, 7], cancelled: true }));
    expect(cut.incomplete).toBe(true);
    expect(cut.text).toMatch(/^Cancelled: 5 of 19 instances are here\..*Press Retrieve again to resume/);
  });
});
