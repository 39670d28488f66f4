/**
 * The prompt book: the prompts that made each segment, by label, kept in the
 * edit journal so refining a segment re-runs the model with its earlier
 * prompts plus the new ones.
 */
import { z } from 'zod';

const vec3 = z.tuple([z.number(), z.number(), z.number()]);
const promptRecordSchema = z.object({
  modelId: z.string(),
  plane: z.enum(['axial', 'coronal', 'sagittal']),
  points: z.array(z.object({ ijk: vec3, positive: z.boolean() })),
  box: z.object({ a: vec3, b: vec3 }).optional(),
});
/** The prompts that made each segment, by label. */
export type PromptRecord = z.infer<typeof promptRecordSchema>;
const promptBookSchema = z.record(z.string(), promptRecordSchema);
export type PromptBook = z.infer<typeof promptBookSchema>;

/** The prompt book of a journal state; anything else (an older format) reads as empty. */
export function parsePromptBook(value: unknown): PromptBook {
  const parsed = promptBookSchema.safeParse(value);
  return parsed.success ? parsed.data : {};
}
