import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { DatabaseLocked, lockDatabase, type DatabaseLock } from '../intake/db-lock.js';
import { describeRepair, repairIntakeLog } from '../intake/log-repair.js';
import { describeScan, scanIntakeLog } from '../intake/log-scan.js';
import { readIntakeProgress } from '../store/intake-progress.js';
import { createApiKey, listApiKeys, permissions, revokeApiKey, type ApiKey, type Permission } from '../store/api-keys.js';
import { openDatabase, type Db } from '../store/db.js';
import { createSite, getSite, listSites, setSiteDomains, type Site } from '../store/sites.js';
import { normalizeSiteDomain } from '../site-domain.js';
import { collectorBaseUrl, createDashboardLink } from '../dashboard-link.js';

/** An error the user can fix: printed alone on stderr, exit code 2. */
class UsageError extends Error {}

const usage = `Usage: clearview <command> [options]

  sites create --name NAME --domain DOMAIN [--domain DOMAIN2 ...] [--json]
  sites list [--json]
  sites update SITE_ID --domain DOMAIN [--domain DOMAIN2 ...] [--json]   (replaces the registered domains)
  keys create --site SITE_ID --permission read|write|admin --label LABEL [--json]
  keys list --site SITE_ID [--json]
  keys revoke KEY_ID [--json]
  dashboard-link --site SITE_ID --permission read|write|admin [--json]
                           a sign-in link to the dashboard, good once within 10 minutes
                           (on CLEARVIEW_PUBLIC_URL, else http://localhost:PORT)
  backup FILE
  intake verify [--json]   checks the intake log against the database (exit 1 if it is damaged)
  intake repair [--json]   writes every readable event, keeps each damaged line in intake_failures
                           (both need the collector stopped)

The database is CLEARVIEW_DB (default ./data/clearview.db).`;

const siteView = (site: Site) => ({ id: site.id, name: site.name, domains: site.domains, siteKey: site.siteKey, createdAt: new Date(site.createdAt).toISOString() });
const keyView = (key: ApiKey) => ({
  id: key.id,
  siteId: key.siteId,
  prefix: key.prefix,
  permission: key.permission,
  label: key.label,
  createdAt: new Date(key.createdAt).toISOString(),
  lastUsedAt: key.lastUsedAt === null ? null : new Date(key.lastUsedAt).toISOString(),
  revoked: key.revokedAt !== null,
});

type Values = Record<string, string | string[] | boolean | undefined>;

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args, options: { ...options, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function required(value: string | undefined, flag: string): string {
  if (!value || !value.trim()) throw new UsageError(`${flag} is required`);
  return value.trim();
}

function domainsOf(values: string[] | undefined): string[] {
  if (!values || values.length === 0) throw new UsageError('at least one --domain is required');
  return values.map((value) => {
    const domain = normalizeSiteDomain(value);
    if (!domain) throw new UsageError(`"${value}" is not a domain name (e.g. example.com)`);
    return domain;
  });
}

function requireSite(db: Db, id: string): Site {
  const site = getSite(db, id);
  if (!site) throw new UsageError(`no site with id ${id}`);
  return site;
}

type Out = { json: boolean; print: (human: string, json: unknown) => void };

/** The exit code, when it is not 0. */
async function run(db: Db, dbPath: string, argv: string[], out: Out['print']): Promise<number | void> {
  const [group, action, ...rest] = argv;
  const command = `${group ?? ''} ${action ?? ''}`.trim();
  if (group === 'dashboard-link') {
    const { values } = parse(argv.slice(1), { site: { type: 'string' }, permission: { type: 'string' } });
    const site = requireSite(db, required(values.site as string, '--site'));
    const permission = required(values.permission as string, '--permission') as Permission;
    if (!permissions.includes(permission)) throw new UsageError('--permission must be read, write or admin');
    const { url, expiresAt } = createDashboardLink(db, { siteId: site.id, permission }, collectorBaseUrl(loadConfig()));
    out(`Open this link within 10 minutes to sign in to the dashboard (${permission}); it works once:\n  ${url}`, {
      url,
      siteId: site.id,
      permission,
      expiresAt: new Date(expiresAt).toISOString(),
    });
    return;
  }
  if (group === 'backup') {
    const { positionals } = parse(argv.slice(1), {});
    const file = required(positionals[0], 'FILE');
    // better-sqlite3's online backup copies a consistent snapshot while the collector keeps writing.
    await db.backup(file);
    out(`Backed up to ${file}`, { backup: file });
    return;
  }
  switch (command) {
    case 'sites create': {
      const { values } = parse(rest, { name: { type: 'string' }, domain: { type: 'string', multiple: true } });
      const { site, webhookSecret } = createSite(db, { name: required(values.name as string, '--name'), domains: domainsOf(values.domain as string[]) });
      out(`Site ${site.id} created\n  site key:       ${site.siteKey}\n  webhook secret: ${webhookSecret} (shown once)\n  domains:        ${site.domains.join(', ')}`, {
        id: site.id,
        name: site.name,
        domains: site.domains,
        siteKey: site.siteKey,
        webhookSecret,
      });
      return;
    }
    case 'sites list': {
      parse(rest, {});
      const sites = listSites(db);
      out(sites.map((s) => `${s.id}  ${s.siteKey}  ${s.name}  [${s.domains.join(', ')}]`).join('\n') || 'No sites', { sites: sites.map(siteView) });
      return;
    }
    case 'sites update': {
      const { values, positionals } = parse(rest, { domain: { type: 'string', multiple: true } });
      const site = requireSite(db, required(positionals[0], 'SITE_ID'));
      setSiteDomains(db, site.id, domainsOf(values.domain as string[]));
      const updated = requireSite(db, site.id);
      out(`Site ${updated.id} domains: ${updated.domains.join(', ')}`, siteView(updated));
      return;
    }
    case 'keys create': {
      const { values } = parse(rest, { site: { type: 'string' }, permission: { type: 'string' }, label: { type: 'string' } });
      const site = requireSite(db, required(values.site as string, '--site'));
      const permission = required(values.permission as string, '--permission') as Permission;
      if (!permissions.includes(permission)) throw new UsageError('--permission must be read, write or admin');
      const { apiKey, key } = createApiKey(db, { siteId: site.id, permission, label: required(values.label as string, '--label') });
      out(`API key ${apiKey.id} (${permission}) created for ${site.id}:\n  ${key}\nIt is shown once: store it now.`, {
        id: apiKey.id,
        key,
        permission,
        label: apiKey.label,
        siteId: site.id,
      });
      return;
    }
    case 'keys list': {
      const { values } = parse(rest, { site: { type: 'string' } });
      const site = requireSite(db, required(values.site as string, '--site'));
      const keys = listApiKeys(db, site.id);
      out(keys.map((k) => `${k.id}  ${k.prefix}…  ${k.permission}  ${k.label}${k.revokedAt ? '  (revoked)' : ''}`).join('\n') || 'No keys', {
        keys: keys.map(keyView),
      });
      return;
    }
    case 'keys revoke': {
      const { positionals } = parse(rest, {});
      const id = required(positionals[0], 'KEY_ID');
      if (!revokeApiKey(db, id)) throw new UsageError(`no active key with id ${id}`);
      out(`Key ${id} revoked`, { id, revoked: true });
      return;
    }
    case 'intake verify': {
      parse(rest, {});
      const scan = scanIntakeLog(intakeDir(dbPath), readIntakeProgress(db));
      out(describeScan(scan), {
        dir: scan.dir,
        progress: scan.progress,
        pending: scan.pending.length,
        segments: scan.segments.map((s) => ({ name: s.name, format: s.format, events: s.events, tornBytes: s.tornBytes })),
        problems: scan.problems,
        sound: scan.problems.length === 0,
      });
      return scan.problems.length === 0 ? 0 : 1;
    }
    case 'intake repair': {
      parse(rest, {});
      const report = repairIntakeLog(db, intakeDir(dbPath), Date.now());
      out(describeRepair(report), report);
      return;
    }
    default:
      throw new UsageError(usage);
  }
}

const intakeDir = (dbPath: string) => `${dbPath}-intake`;

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    process.stdout.write(`${usage}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  let db: Db | null = null;
  let lock: DatabaseLock | null = null;
  try {
    const config = loadConfig();
    // The intake log is the running collector's: checking it, let alone repairing it, needs the collector stopped.
    if (argv[0] === 'intake') lock = lockDatabase(config.dbPath);
    db = openDatabase(config.dbPath, { synchronous: config.synchronous });
    return (await run(db, config.dbPath, argv, (human, data) => process.stdout.write(`${json ? JSON.stringify(data) : human}\n`))) ?? 0;
  } catch (error) {
    const message =
      error instanceof UsageError
        ? error.message
        : error instanceof DatabaseLocked
          ? `${error.message}; stop the collector first`
          : `failed: ${(error as Error).message}`;
    process.stderr.write(json ? `${JSON.stringify({ error: { message } })}\n` : `clearview: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    db?.close();
    lock?.release();
  }
}
