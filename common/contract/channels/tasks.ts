/** Model packs and the classify / vqa / embed / few-shot tasks. */
export const tasksChannels = {} as const;

export const tasksEvents = {} as const;
