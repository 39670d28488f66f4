import type { z } from 'zod';

/** Declares one request/response channel. */
export const channel = <Req extends z.ZodType, Res extends z.ZodType>(req: Req, res: Res) => ({ req, res });
