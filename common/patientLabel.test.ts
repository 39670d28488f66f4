import { describe, expect, it } from 'vitest';
import { patientLabel } from './patientLabel';

describe('patientLabel', () => {
  it('shows the name, else the ID, else "Unnamed patient"; "Patient" when anonymised', () => {
    expect(patientLabel({ patientName: 'Doe^Jane', patientId: '7' })).toBe('Doe Jane');
    expect(patientLabel({ patientName: '', patientId: 'STS_012' })).toBe('Patient STS_012');
    expect(patientLabel({ patientName: '  ', patientId: '' })).toBe('Unnamed patient');
    expect(patientLabel({ patientName: 'Doe^Jane', patientId: '7' }, true)).toBe('Patient');
  });
});
