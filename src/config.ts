import { z } from 'zod';

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64 (openssl rand -base64 32)');

/** Everything the app reads from the environment, checked once at start; main.ts hands the environment in. */
const ConfigSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        'must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)',
      )
      .optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    /** where the console writes charts asked for with `--chart` */
    CHARTS_DIR: z.string().min(1).default('./charts'),
    /** where the console writes exports (`/flow export csv`) */
    EXPORTS_DIR: z.string().min(1).default('./exports'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional(),
    SLACK_SIGNING_SECRET: z.string().min(10, 'looks too short for a Slack signing secret').optional(),
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional(),
    SLACK_CLIENT_ID: z.string().min(1).optional(),
    SLACK_CLIENT_SECRET: z.string().min(1).optional(),
    SLACK_STATE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    SLACK_TOKEN_KEY: base64Key.optional(),
    SLACK_API_URL: z.url().optional(),
    /** seals tracker secrets at rest; without it a key is kept in DATA_DIR (one replica only) */
    SECRETS_KEY: base64Key.optional(),
    /** where trackers reach the app, for the webhook URLs shown by /nexus tracker */
    PUBLIC_URL: z.url().optional(),
    /** refused webhook requests a second one address may make (bursts of 10 s of it) before it gets 429 unread */
    WEBHOOK_REFUSED_PER_SENDER: z.coerce.number().positive('must be a positive number of requests a second').default(5),
    /** authentic deliveries a second one Nexus may receive (bursts of 10 s of it) before 429 */
    WEBHOOK_DELIVERIES_PER_NEXUS: z.coerce
      .number()
      .positive('must be a positive number of deliveries a second')
      .default(200),
    /** load balancers in front that append the sender's address to X-Forwarded-For (0: none, use the connection's) */
    /** days applied tracker deliveries are kept (their ids answer redeliveries as duplicates) before they are deleted */
    INBOX_KEEP_DAYS: z.coerce
      .number()
      .int('must be a whole number of days')
      .min(
        3,
        'must be at least 3: GitHub lets a delivery be redelivered for 3 days, and one deleted before would be applied again',
      )
      .default(7),
    TRUST_PROXY_HOPS: z.coerce.number().int('must be a whole number of proxies').min(0).max(10).default(0),
    /** the most one long job (the accuracy replay) may take before it answers with what it has */
    LONG_JOB_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  })
  .superRefine((env, ctx) => {
    const need = (name: keyof typeof env, why: string) => {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `is required ${why}` });
    };
    const oauth = Boolean(env.SLACK_CLIENT_ID);
    if (env.SLACK_BOT_TOKEN && oauth)
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'and SLACK_CLIENT_ID exclude each other: one workspace, or OAuth for many',
      });
    if (oauth)
      for (const name of [
        'SLACK_CLIENT_SECRET',
        'SLACK_STATE_SECRET',
        'SLACK_TOKEN_KEY',
        'SLACK_SIGNING_SECRET',
      ] as const)
        need(name, 'with SLACK_CLIENT_ID (installs in many workspaces)');
    if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN)
      need('SLACK_SIGNING_SECRET', 'with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)');
    if (!env.SLACK_BOT_TOKEN && !oauth && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN))
      need('SLACK_BOT_TOKEN', 'when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
  });

export type Config = z.infer<typeof ConfigSchema> & { mode: 'local' | 'slack' };

/** Parses the environment; the error names the variable and says what to set, and never echoes a value. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${issue.path.join('.') || 'environment'} ${issue.message}`);
  }
  const slack = result.data.SLACK_BOT_TOKEN || result.data.SLACK_CLIENT_ID;
  return { ...result.data, mode: slack ? 'slack' : 'local' };
}

export class ConfigError extends Error {}

/** What one sender or Nexus may ask of the webhook endpoint (see WebhookLimits). */
export function webhookLimits(config: Config) {
  return {
    refusedPerSender: config.WEBHOOK_REFUSED_PER_SENDER,
    deliveriesPerNexus: config.WEBHOOK_DELIVERIES_PER_NEXUS,
    trustProxyHops: config.TRUST_PROXY_HOPS,
  };
}
