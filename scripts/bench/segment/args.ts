/** Command line of `npm run bench:segment` (flags win over the older VOXA_BENCH_* variables). */

export const SET_NAMES = ['phantom', 'real', 'ibsi'] as const;
export type SetName = (typeof SET_NAMES)[number];
/** What --skip may leave out for a quicker A/B run (the click protocol always runs: the others start from it). */
export const SKIPPABLE = ['box', 'consistency', 'classical'] as const;
export type Skippable = (typeof SKIPPABLE)[number];

export interface BenchOptions {
  sets: SetName[];
  /** Folder of image + mask pairs (see pairsFolder.ts). */
  pairsDir: string | null;
  /** Reference label in the --pairs masks; null: every voxel > 0. */
  label: number | null;
  corrections: number;
  /** Model ids to benchmark besides classical; null: every built-in segmentation pack. */
  models: string[] | null;
  /** Seeds of the synthetic torso phantoms (default 1, 2: the validation phantoms; others are for tuning). */
  phantomSeeds: number[];
  /** Which IBSI list of the split: the validation patients or (for tuning engine rules) the training ones. */
  ibsi: 'val' | 'train';
  /** Also run corrections by re-running the whole prompt list (the comparison for local corrections). */
  rerun: boolean;
  /** Protocols (box, consistency) or the classical method left out of this run. */
  skip: Skippable[];
  json: string | null;
  help: boolean;
}

export const USAGE = `Usage: npm run bench:segment -- [options]

Click → 3D mask benchmark: for classical and every built-in segment.prompt2d / segment.prompt3d
pack, one click at the reference's deepest voxel, a tight box on its largest axial slice, click + N
simulated corrections, consistency over three interior clicks; Dice, RECIST long/short-axis error
and latency per case, per set and overall.

  --sets LIST         comma list of ${SET_NAMES.join(', ')} (default: all; none when --pairs is given alone)
  --pairs DIR         also every image + mask pair in DIR: X_image.<ext> + X_mask.<ext>,
                      X.<ext> + X_mask.<ext>, or DIR/X/image.<ext> + DIR/X/mask.<ext>
  --label N           with --pairs: the lesion is mask label N (default: every voxel > 0)
  --corrections N     simulated corrections after the click (default 3, or VOXA_BENCH_CORRECTIONS; 0 skips)
  --models A,B        benchmark only these packs besides classical (or VOXA_BENCH_MODELS)
  --phantom-seeds L   comma list of phantom seeds (default 1,2: the validation phantoms; tune on others)
  --ibsi val|train    IBSI patients of the split (default val, or VOXA_BENCH_IBSI; =none there drops the set)
  --no-rerun          skip the "(re-run)" comparison of corrections that re-run the whole prompt list
  --skip LIST         leave out any of ${SKIPPABLE.join(', ')} (quicker A/B runs of one protocol;
                      the click protocol always runs, corrections start from it)
  --json FILE         write every result and summary as JSON to FILE
  --help              this text
`;

export class UsageError extends Error {}

function count(value: string, what: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min) throw new UsageError(`${what} must be a whole number ≥ ${min} (got "${value}")`);
  return n;
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

export function parseBenchArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): BenchOptions {
  const flags = new Map<string, string>();
  const valued = new Set(['--sets', '--pairs', '--label', '--corrections', '--models', '--phantom-seeds', '--ibsi', '--json', '--skip']);
  for (let n = 0; n < argv.length; n++) {
    const arg = argv[n]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--help' || name === '-h' || name === '--no-rerun') {
      flags.set(name === '-h' ? '--help' : name, '');
      continue;
    }
    if (!valued.has(name)) throw new UsageError(`unknown argument "${arg}" (see --help)`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++n];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }

  const ibsiEnv = env.VOXA_BENCH_IBSI;
  const ibsi = flags.get('--ibsi') ?? (ibsiEnv && ibsiEnv !== 'none' ? ibsiEnv : 'val');
  if (ibsi !== 'val' && ibsi !== 'train') throw new UsageError(`--ibsi must be val or train (got "${ibsi}")`);

  const pairsDir = flags.get('--pairs') ?? null;
  let sets: SetName[];
  const setsFlag = flags.get('--sets');
  if (setsFlag !== undefined) {
    sets = [];
    for (const s of list(setsFlag)) {
      if (!(SET_NAMES as readonly string[]).includes(s)) throw new UsageError(`unknown set "${s}" (sets: ${SET_NAMES.join(', ')})`);
      if (!sets.includes(s as SetName)) sets.push(s as SetName);
    }
  } else {
    sets = pairsDir ? [] : SET_NAMES.filter((s) => s !== 'ibsi' || ibsiEnv !== 'none');
  }

  const labelFlag = flags.get('--label');
  if (labelFlag !== undefined && !pairsDir) throw new UsageError('--label applies to the masks of --pairs DIR');
  const correctionsText = flags.get('--corrections') ?? env.VOXA_BENCH_CORRECTIONS ?? '3';
  const modelsText = flags.get('--models') ?? env.VOXA_BENCH_MODELS;
  const models = modelsText ? list(modelsText).filter((m) => m !== 'classical') : null;
  const seedsFlag = flags.get('--phantom-seeds');
  const phantomSeeds = seedsFlag === undefined ? [1, 2] : [...new Set(list(seedsFlag).map((v) => count(v, '--phantom-seeds', 1)))];
  if (!phantomSeeds.length) throw new UsageError('--phantom-seeds needs at least one seed');
  const skip: Skippable[] = [];
  for (const s of list(flags.get('--skip') ?? '')) {
    if (!(SKIPPABLE as readonly string[]).includes(s)) throw new UsageError(`--skip takes ${SKIPPABLE.join(', ')} (got "${s}")`);
    if (!skip.includes(s as Skippable)) skip.push(s as Skippable);
  }
  return {
    sets,
    pairsDir,
    label: labelFlag === undefined ? null : count(labelFlag, '--label', 1),
    corrections: count(correctionsText, '--corrections', 0),
    models,
    phantomSeeds,
    ibsi,
    rerun: !flags.has('--no-rerun'),
    skip,
    json: flags.get('--json') ?? null,
    help: flags.has('--help'),
  };
}
