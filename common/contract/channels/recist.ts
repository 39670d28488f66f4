/** RECIST 1.1 measurements, lesion tables, timepoints, response and reports. */
export const recistChannels = {} as const;

export const recistEvents = {} as const;
