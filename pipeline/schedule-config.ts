import cron from 'node-cron';
import { z } from 'zod';
import { timeZoneSchema } from './timezone.ts';

/**
 * The `schedule` block of the config: when the daemon runs, what each run covers, the backups it
 * keeps and where the daily report goes. Secrets are never here: only the names of the
 * environment variables that hold them.
 */

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as RECHAMADAS_SMTP_PASSWORD');

const smtpSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    userEnv: envName.default('RECHAMADAS_SMTP_USER'),
    passwordEnv: envName.default('RECHAMADAS_SMTP_PASSWORD'),
  })
  .strict();

export const scheduleSchema = z
  .object({
    cron: z.string().refine((value) => cron.validate(value), 'is not a cron expression (e.g. "0 6 * * *": 06:00 every day)').default('0 6 * * *'),
    timeZone: timeZoneSchema.default('America/Sao_Paulo'),
    /** Days before yesterday re-extracted on each run, to catch records that arrive late. */
    lookBackDays: z.number().int().min(0).max(60).default(3),
    /** Warehouse copies kept in `backups/` beside it. */
    backups: z.number().int().min(1).max(100).default(7),
    /** Where the site is published: by the daemon, run and rebuild, and by default by build-site and every load. */
    site: z.string().default('site'),
    /** Public address of the site, for the link in the email (e.g. https://rechamadas.example.com.br/). */
    siteUrl: z.string().url().default('http://localhost:8080/'),
    report: z
      .object({
        from: z.string().min(3).default('Rechamadas <rechamadas@localhost>'),
        /** Everyone who gets every day's report. */
        to: z.array(z.string().email()).default([]),
        /** Extra recipients per team and per supervisor (their own team's day). */
        teams: z.record(z.string(), z.array(z.string().email())).default({}),
        supervisors: z.record(z.string(), z.array(z.string().email())).default({}),
        /** Without SMTP the email is written as a ready `.eml` under `<warehouse dir>/outbox/`. */
        smtp: smtpSchema.optional(),
      })
      .strict()
      .default({ from: 'Rechamadas <rechamadas@localhost>', to: [], teams: {}, supervisors: {} }),
  })
  .strict();

export type ScheduleConfig = z.infer<typeof scheduleSchema>;

export const SCHEDULE_DEFAULTS: ScheduleConfig = scheduleSchema.parse({});
