/**
 * Schema of `alerts/dashboards.yml`: the identity of the Grafana dashboards the runbook opens first (uid, title,
 * which alert families each one covers), the Grafana of each environment, and the few reference values the
 * dashboards draw that no alert holds. Alerts link to `<grafana url>/d/<uid>` of their family's dashboard.
 */
import { z } from 'zod';
import { promql, slug } from './schema';

/** The dashboards the project renders (lib/render/dashboards.ts), one renderer each. */
export const dashboardKinds = ['slo-burn-rate', 'moderation-enforcement', 'infrastructure', 'synthetics'] as const;

export const dashboardSchema = z
  .object({
    kind: z.enum(dashboardKinds).describe('Which dashboard this is (each kind once).'),
    uid: z
      .string({ invalid_type_error: 'a dashboard uid' })
      .regex(/^[a-zA-Z0-9_-]{1,40}$/, 'a dashboard uid: at most 40 characters of letters, digits, _ and -')
      .describe('Stable uid: the dashboard’s URL is <grafana url>/d/<uid>. Changing it breaks every link.'),
    title: z.string().min(1),
    description: z.string().min(1),
    runbook: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'an anchor of docs/runbook.md (lower-case, dashes)')
      .describe('Runbook section the dashboard links to first.'),
    families: z.array(slug).default([]).describe('Alert families whose alerts link to this dashboard (dashboard_url).'),
    default: z.boolean().default(false).describe('Alerts of families no dashboard lists link here (at most one dashboard).'),
  })
  .strict();

export const dashboardsFileSchema = z
  .object({
    grafana: z
      .object({
        urls: z
          .record(slug, z.string().url('an absolute URL such as https://grafana.deltacrown.internal'))
          .describe('Base URL of each environment’s Grafana, by environment name (links in alerts).'),
        folder: z
          .object({
            uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'a folder uid: at most 40 characters of letters, digits, _ and -'),
            title: z.string().min(1),
          })
          .strict()
          .describe('The folder holding the dashboards.'),
      })
      .strict(),
    deploy_annotations: z
      .object({
        expr: promql.describe('PromQL that is non-empty at a deploy (a rollout of a DeltaCrown Deployment).'),
        title: z.string().min(1).describe('Annotation text; Prometheus label templates such as {{deployment}} allowed.'),
        tag: z
          .string()
          .regex(/^[a-z0-9_-]+$/, 'a lower-case tag')
          .describe('Grafana annotation tag the deploy pipeline posts markers with (POST /api/annotations).'),
      })
      .strict()
      .describe('Deploy markers drawn on every dashboard.'),
    limits: z
      .object({
        database_pool_size: z
          .number()
          .int()
          .positive()
          .describe('Connections the application’s database pool may open (DB_POOL_SIZE): the exhaustion line.'),
      })
      .strict()
      .describe('Reference values the dashboards draw that are not alert thresholds.'),
    dashboards: z.array(dashboardSchema).min(1),
  })
  .strict();

export type DashboardsFile = z.infer<typeof dashboardsFileSchema>;
export type DashboardSpec = z.infer<typeof dashboardSchema>;
export type DashboardKind = (typeof dashboardKinds)[number];
