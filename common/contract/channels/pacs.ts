/**
 * PACS: configured nodes (DICOMweb or DIMSE), query, retrieve into the study
 * database, send results back, and the optional DICOM listener (issue: PACS).
 * The same services back the `voxa pacs …` and `voxa listen` commands.
 */
import { z } from 'zod';
import { channel } from './define';

const count = z.number().int().nonnegative();
/** A DICOM Application Entity title: 1–16 characters of the default repertoire, no backslash, not only spaces. */
export const aeTitleSchema = z
  .string()
  .min(1, 'an AE title cannot be empty')
  .max(16, 'an AE title has at most 16 characters')
  .regex(/^[\x20-\x5b\x5d-\x7e]+$/, 'an AE title is 1–16 printable ASCII characters without a backslash')
  .refine((s) => s.trim().length > 0, 'an AE title cannot be only spaces');
/** A node's name: what the user calls it in the CLI and the UI. */
export const nodeNameSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a node name is letters, digits, dot, dash or underscore');
const uid = z.string().min(1).max(64).regex(/^[0-9]+(\.[0-9]+)*$/, 'a DICOM UID is digits and dots');
const dicomDate = z.string().regex(/^\d{8}$/, 'a date is YYYYMMDD');

export const dicomWebNodeSchema = z.object({
  kind: z.literal('dicomweb'),
  name: nodeNameSchema,
  /** Base URL of the DICOMweb service (QIDO, WADO and STOW below it), http or https. */
  url: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'the URL may not hold a user name or password: give the user with the node and the password as its secret'),
  auth: z.enum(['none', 'basic', 'bearer']).default('none'),
  /** Basic auth user name (the password, like a bearer token, lives in the credential store, never here). */
  username: z.string().max(200).optional(),
  /** PEM file of the certificate authority that signed the server's certificate (hospital CA). */
  caFile: z.string().max(4096).optional(),
  timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
});

export const dimseNodeSchema = z.object({
  kind: z.literal('dimse'),
  name: nodeNameSchema,
  calledAet: aeTitleSchema,
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  /** Voxa's AE title towards this node (the PACS must know it for C-MOVE). */
  callingAet: aeTitleSchema.default('VOXA'),
  timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
});

export const pacsNodeSchema = z.discriminatedUnion('kind', [dicomWebNodeSchema, dimseNodeSchema]);
export type PacsNode = z.output<typeof pacsNodeSchema>;
export type PacsNodeInput = z.input<typeof pacsNodeSchema>;
export type DicomWebNode = Extract<PacsNode, { kind: 'dicomweb' }>;
export type DimseNode = Extract<PacsNode, { kind: 'dimse' }>;

/** A node as shown to the renderer: no secret, only whether one is stored. */
export const pacsNodeViewSchema = z.union([dicomWebNodeSchema.extend({ hasSecret: z.boolean() }), dimseNodeSchema]);

export const pacsQuerySchema = z.object({
  patientId: z.string().max(64).optional(),
  /** DICOM wildcard match (* and ?); a plain word matches names starting with it. */
  patientName: z.string().max(64).optional(),
  modality: z.string().max(16).regex(/^[A-Z0-9]*$/, 'a modality is upper-case letters, e.g. CT').optional(),
  studyDateFrom: dicomDate.optional(),
  studyDateTo: dicomDate.optional(),
  accession: z.string().max(16).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type PacsQuery = z.output<typeof pacsQuerySchema>;

export const pacsStudySchema = z.object({
  studyUid: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  studyDate: z.string(),
  description: z.string(),
  accession: z.string(),
  modalities: z.array(z.string()),
  seriesCount: count.nullable(),
  instanceCount: count.nullable(),
});
export type PacsStudy = z.infer<typeof pacsStudySchema>;

export const pacsSeriesSchema = z.object({
  studyUid: z.string(),
  seriesUid: z.string(),
  modality: z.string(),
  description: z.string(),
  seriesNumber: z.number().nullable(),
  instanceCount: count.nullable(),
});
export type PacsSeries = z.infer<typeof pacsSeriesSchema>;

export const retrieveMethodSchema = z.enum(['wado', 'c-move', 'c-get']);
export type RetrieveMethod = z.infer<typeof retrieveMethodSchema>;

export const retrieveReportSchema = z.object({
  node: z.string(),
  method: retrieveMethodSchema,
  studyUid: z.string(),
  series: z.array(
    z.object({
      seriesUid: z.string(),
      expected: count,
      /** Instances on disk for this series after the retrieve (received now or before). */
      present: count,
      /** Received in this run (a resumed series counts only the missing ones). */
      received: count,
      complete: z.boolean(),
    }),
  ),
  received: count,
  bytes: count,
  seconds: z.number().nonnegative(),
  cancelled: z.boolean(),
  /** Where the files were written (inside the user-data folder). */
  folder: z.string(),
  /** Study-database series now indexed from those files. */
  indexed: count,
});
export type RetrieveReport = z.infer<typeof retrieveReportSchema>;

export const listenerStatusSchema = z.object({
  listening: z.boolean(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  aet: z.string().nullable(),
  allowedCallers: z.array(z.string()),
  received: count,
  refused: count,
});
export type ListenerStatus = z.infer<typeof listenerStatusSchema>;

export const pacsChannels = {
  /** Configured nodes (secrets are never returned). */
  'pacs:nodes': channel(z.object({}), z.object({ nodes: z.array(pacsNodeViewSchema) })),
  /** Adds or replaces a node; `secret` (password or bearer token) goes to the credential store. */
  'pacs:addNode': channel(z.object({ node: pacsNodeSchema, secret: z.string().max(4096).optional() }), z.object({ replaced: z.boolean() })),
  'pacs:removeNode': channel(z.object({ name: nodeNameSchema }), z.object({ removed: z.boolean() })),
  /** C-ECHO, or a one-result QIDO for DICOMweb; the round trip in ms. */
  'pacs:echo': channel(z.object({ name: nodeNameSchema }), z.object({ ms: z.number().nonnegative() })),
  'pacs:findStudies': channel(z.object({ name: nodeNameSchema, query: pacsQuerySchema }), z.object({ studies: z.array(pacsStudySchema) })),
  'pacs:findSeries': channel(z.object({ name: nodeNameSchema, studyUid: uid }), z.object({ series: z.array(pacsSeriesSchema) })),
  /**
   * Retrieves a study (or some of its series) into the user-data folder and indexes it in the study
   * database. Instances already there are skipped (a stopped retrieve resumes). Progress as
   * pacs:progress under `jobId`; cancel with pacs:cancel. `method` defaults to WADO-RS for DICOMweb
   * nodes and C-MOVE (to Voxa's listener) for DIMSE nodes, falling back to C-GET when no listener runs.
   */
  'pacs:retrieve': channel(
    z.object({ name: nodeNameSchema, studyUid: uid, seriesUids: z.array(uid).max(1000).optional(), method: retrieveMethodSchema.optional(), jobId: z.string().min(1).max(100) }),
    retrieveReportSchema,
  ),
  'pacs:cancel': channel(z.object({ jobId: z.string().min(1) }), z.object({ cancelled: z.boolean() })),
  /** Sends DICOM files (an exported SEG or SR) to a node: STOW-RS or C-STORE; `deidentify` sends de-identified copies instead (only when asked). */
  'pacs:send': channel(
    z.object({ name: nodeNameSchema, paths: z.array(z.string().min(1)).min(1).max(10_000), jobId: z.string().min(1).max(100).optional(), deidentify: z.boolean().default(false) }),
    z.object({ sent: count, failed: z.array(z.object({ file: z.string(), reason: z.string() })), bytes: count, seconds: z.number().nonnegative() }),
  ),
  'pacs:listenerStatus': channel(z.object({}), listenerStatusSchema),
} as const;

export const pacsEvents = {
  /** Retrieve progress: instances received / expected over the whole request, bytes and rate; `seriesComplete` names series that just became complete. */
  'pacs:progress': z.object({
    jobId: z.string(),
    received: count,
    expected: count,
    bytes: count,
    mbPerSecond: z.number().nonnegative(),
    seriesComplete: z.array(z.string()),
    done: z.boolean(),
  }),
} as const;
