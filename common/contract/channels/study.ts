/** The study database: import, list, remove (issue: imaging IO / study panel). */
export const studyChannels = {} as const;

export const studyEvents = {} as const;
