/**
 * How a patient is named on screen: the name, else the patient ID ("Patient
 * 12345"), and only when both are empty "Unnamed patient"; "Patient" when the
 * display is anonymised.
 */
export function patientLabel(p: { patientName?: string; patientId?: string }, anonymise = false): string {
  if (anonymise) return 'Patient';
  const name = (p.patientName ?? '').replace(/\^+/g, ' ').trim();
  if (name) return name;
  const id = (p.patientId ?? '').trim();
  return id ? `Patient ${id}` : 'Unnamed patient';
}
