/**
 * roster.yml's `report:` section: the report's gates, as validate has `checks:`, but on the report's metrics.
 *
 *   report:
 *     checks:
 *       - metric: completeness.email
 *         fail_under: 95        # exit 1 below 95
 *         warn_under: 98        # a warning below 98
 *       - metric: duplicates.rate
 *         fail_over: 5
 */
import { z } from "zod";

const ReportCheckSchema = z
  .strictObject({
    metric: z.string().min(1),
    fail_under: z.number().optional(),
    fail_over: z.number().optional(),
    warn_under: z.number().optional(),
    warn_over: z.number().optional(),
  })
  .refine((check) => [check.fail_under, check.fail_over, check.warn_under, check.warn_over].some((limit) => limit !== undefined), {
    message: "give fail_under, fail_over, warn_under or warn_over",
  });

export const ReportConfigSchema = z.strictObject({
  checks: z.array(ReportCheckSchema).optional(),
  /** How many earlier runs the trend shows (default 10). */
  trend_runs: z.number().int().min(0).max(1000).optional(),
});

export type ReportConfig = z.infer<typeof ReportConfigSchema>;
