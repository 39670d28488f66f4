/** Promptable segmentation, mask editing, history and the edit journal (issue: prompt, refine and edit). */
export const segmentChannels = {} as const;

export const segmentEvents = {} as const;
