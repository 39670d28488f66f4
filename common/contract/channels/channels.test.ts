import { describe, expect, it } from 'vitest';
import { contract, events } from '../index';
import { appChannels, appEvents } from './app';
import { coreChannels, coreEvents } from './core';
import { recistChannels, recistEvents } from './recist';
import { segmentChannels, segmentEvents } from './segment';
import { studyChannels, studyEvents } from './study';
import { tasksChannels, tasksEvents } from './tasks';
import { pacsChannels, pacsEvents } from './pacs';

const channelFiles = [coreChannels, appChannels, studyChannels, segmentChannels, recistChannels, tasksChannels, pacsChannels];
const eventFiles = [coreEvents, appEvents, studyEvents, segmentEvents, recistEvents, tasksEvents, pacsEvents];

describe('contract assembled from domain files', () => {
  it('no channel or event name is declared in two files (a later spread would silently win)', () => {
    const channelNames = channelFiles.flatMap((f) => Object.keys(f));
    const eventNames = eventFiles.flatMap((f) => Object.keys(f));
    expect(new Set(channelNames).size).toBe(channelNames.length);
    expect(new Set(eventNames).size).toBe(eventNames.length);
    expect(Object.keys(contract).sort()).toEqual([...channelNames].sort());
    expect(Object.keys(events).sort()).toEqual([...eventNames].sort());
  });

  it('every name is domain:verb', () => {
    for (const name of [...Object.keys(contract), ...Object.keys(events)]) expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/);
  });
});
