/**
 * Child process for the journal crash test: records the scripted events into
 * a journal, one every `intervalMs`, printing "ack <n> <ms since start>" after
 * each record() returns, until killed (or `count` events).
 *
 * Usage: node --import tsx crashWriter.ts <db file> <key> <count> <intervalMs> <compactEveryEvents>
 */
import { EditJournal } from '../editJournal';
import { SCRIPT_GEOMETRY, scriptEvent } from './editScript';

const [file, key, countText, intervalText, compactText] = process.argv.slice(2);
if (!file || !key) throw new Error('usage: crashWriter <db file> <key> <count> <intervalMs> <compactEveryEvents>');
const count = Number(countText ?? 1000);
const interval = Number(intervalText ?? 10);
const journal = EditJournal.open(file, key, SCRIPT_GEOMETRY.dimensions, { compactEveryEvents: Number(compactText ?? 50) });
let n = journal.committedSeq;
process.stdout.write(`ready ${n}\n`);
const tick = () => {
  if (n >= count) {
    journal.close();
    process.stdout.write('done\n');
    return;
  }
  journal.record(scriptEvent(n, journal.state));
  n++;
  process.stdout.write(`ack ${n}\n`);
  setTimeout(tick, interval);
};
setTimeout(tick, interval);
