/** One intensity rule of a pack's preprocessing: a fixed window (clip, scale to [0, 1]) or percentiles of the crop or slice. */
import { z } from 'zod';

export const intensityRuleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('window'), minHu: z.number(), maxHu: z.number() }).refine((w) => w.maxHu > w.minHu, { message: 'maxHu must exceed minHu' }),
  z
    .object({ type: z.literal('percentile'), low: z.number().min(0).max(100), high: z.number().min(0).max(100) })
    .refine((p) => p.high > p.low, { message: 'high must exceed low' }),
]);
export type IntensityRule = z.infer<typeof intensityRuleSchema>;

