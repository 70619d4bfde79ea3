import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { defaultIpDataSource } from '../ip-data/files.js';
import { IpDataRejected, updateIpData } from '../ip-data/update.js';
import { BackupRefused, backupDatabase, intakeDir, restoreDatabase } from './backup.js';
import { DatabaseLocked, lockDatabase, type DatabaseLock } from '../intake/db-lock.js';
import { describeRepair, repairIntakeLog } from '../intake/log-repair.js';
import { describeScan, scanIntakeLog } from '../intake/log-scan.js';
import { rebuildInsights } from '../jobs/insight-rollups.js';
import { readIntakeProgress } from '../store/intake-progress.js';
import { createApiKey, listApiKeys, permissions, revokeApiKey, type ApiKey, type Permission } from '../store/api-keys.js';
import { openDatabase, type Db } from '../store/db.js';
import { createSite, getSite, listSites, setSiteDomains, type Site } from '../store/sites.js';
import { normalizeSiteDomain } from '../site-domain.js';
import { collectorBaseUrl, createDashboardLink } from '../dashboard-link.js';

/** An error the user can fix: printed on stderr with the usage that helps, exit code 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** The database is missing: no command may create one by accident in the wrong folder. */
class NoDatabase extends Error {}

/** Every command: how it is called and what it does. The order is the order of the general usage. */
const commands = {
  init: { usage: 'init [--json]', about: 'creates and migrates the database at CLEARVIEW_DB (npm start does this too)' },
  'sites create': {
    usage: 'sites create --name NAME --domain DOMAIN [--domain DOMAIN2 ...] [--json]',
    about: 'registers a site; prints its key and webhook secret (shown once)',
  },
  'sites list': { usage: 'sites list [--json]', about: 'lists the sites with their keys and domains' },
  'sites update': { usage: 'sites update SITE_ID --domain DOMAIN [--domain DOMAIN2 ...] [--json]', about: 'replaces the registered domains' },
  'keys create': { usage: 'keys create --site SITE_ID --permission read|write|admin --label LABEL [--json]', about: 'creates an API key (shown once)' },
  'keys list': { usage: 'keys list --site SITE_ID [--json]', about: "lists a site's API keys, never the keys themselves" },
  'keys revoke': { usage: 'keys revoke KEY_ID [--json]', about: 'revokes an API key' },
  'dashboard-link': {
    usage: 'dashboard-link --site SITE_ID --permission read|write|admin [--json]',
    about: 'a sign-in link to the dashboard, good once within 10 minutes (on CLEARVIEW_PUBLIC_URL, else http://localhost:PORT)',
  },
  'data update': {
    usage: 'data update [--source URL|DIR] [--json]',
    about:
      "fetches, checks and installs new IP data under CLEARVIEW_DATA_DIR, and tells a running collector to load it (default source: ip-location-db's latest release)",
  },
  backup: {
    usage: 'backup FILE [--force] [--json]',
    about: 'writes a consistent copy of the database while the collector runs, with every acknowledged event (also those still in the intake log)',
  },
  restore: {
    usage: 'restore FILE [--json]',
    about: 'replaces the database with a backup; needs the collector stopped; the old intake folder is moved aside, never replayed onto it',
  },
  'rollups rebuild': { usage: 'rollups rebuild --site SITE_ID [--json]', about: "recounts the site's insight rollups from its page views" },
  'intake verify': { usage: 'intake verify [--json]', about: 'checks the intake log against the database (exit 1 if it is damaged); needs the collector stopped' },
  'intake repair': { usage: 'intake repair [--json]', about: 'writes every readable event, keeps each damaged line in intake_failures; needs the collector stopped' },
} as const;
type Command = keyof typeof commands;

const databaseNote = 'The database is CLEARVIEW_DB (default ./data/clearview.db). Add --help to a command for its usage.';

const usage = `Usage: clearview <command> [options]

${Object.values(commands)
  .map((c) => `  ${c.usage}\n      ${c.about}`)
  .join('\n')}

${databaseNote}`;

/** One command's usage, or those of a group's commands (`clearview sites --help`). */
function usageOf(words: string[]): string {
  const exact = commands[words.slice(0, 2).join(' ') as Command] ?? commands[words[0] as Command];
  if (exact) return `Usage: clearview ${exact.usage}\n  ${exact.about}\n\n${databaseNote}`;
  const group = Object.entries(commands).filter(([name]) => name.startsWith(`${words[0]} `));
  if (group.length > 0) return `Usage:\n${group.map(([, c]) => `  clearview ${c.usage}\n      ${c.about}`).join('\n')}\n\n${databaseNote}`;
  return usage;
}

/** The command argv names, or a UsageError saying which word is not one. */
function commandOf(argv: string[]): Command {
  const [group = '', action] = argv;
  if (group in commands) return group as Command;
  const name = `${group} ${action ?? ''}`.trim();
  if (name in commands) return name as Command;
  const known = Object.keys(commands).some((c) => c.startsWith(`${group} `));
  if (!known) throw new UsageError(`unknown command "${group}"`, usage);
  throw new UsageError(action === undefined || action.startsWith('-') ? `"${group}" needs a command` : `unknown command "${group} ${action}"`, usageOf([group]));
}

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

let current: Command | null = null;

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args, options: { ...options, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's messages run long and suggest '--' tricks: name the option and show the usage instead.
    const e = error as Error & { code?: string };
    const option = /'(-[^']*)'/.exec(e.message)?.[1];
    const message =
      e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option
        ? `unknown option ${option}`
        : e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option
          ? `${option.split(' ')[0]} needs a value`
          : e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
            ? `unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ''}`.trim()
            : e.message;
    throw new UsageError(message, current ? usageOf(current.split(' ')) : usage);
  }
}

function required(value: string | undefined, flag: string): string {
  if (!value || !value.trim()) throw new UsageError(`${flag} is required`, current ? usageOf(current.split(' ')) : undefined);
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

/** The database's lock, or null when a collector holds it. */
function lockUnlessRunning(dbPath: string): DatabaseLock | null {
  try {
    return lockDatabase(dbPath);
  } catch (error) {
    if (error instanceof DatabaseLocked) return null;
    throw error;
  }
}

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
  if (group === 'init') {
    parse(argv.slice(1), {});
    out(`Database ready at ${resolve(dbPath)}`, { database: resolve(dbPath) });
    return;
  }
  if (group === 'backup') {
    const { values, positionals } = parse(argv.slice(1), { force: { type: 'boolean' } });
    const file = required(positionals[0], 'FILE');
    // better-sqlite3's online backup copies a consistent snapshot while the collector keeps writing.
    const tty = process.stderr.isTTY;
    const report = await backupDatabase(db, dbPath, file, {
      force: values.force === true,
      onProgress: tty ? (percent) => process.stderr.write(`\rbacking up: ${percent}%`) : undefined,
    });
    if (tty) process.stderr.write('\n');
    out(`Backed up to ${file} (intake progress ${report.progress}; ${report.fromLog} acknowledged events written from the intake log)`, {
      backup: file,
      progress: report.progress,
      fromLog: report.fromLog,
    });
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
    case 'rollups rebuild': {
      const { values } = parse(rest, { site: { type: 'string' } });
      const site = requireSite(db, required(values.site as string, '--site'));
      const started = performance.now();
      // With the collector stopped, the rebuild holds the database (none starts meanwhile) and takes
      // large slices; beside a running one, whose batches wait for each slice, short ones.
      const inMemory = dbPath === ':memory:';
      const alone = inMemory ? null : lockUnlessRunning(dbPath);
      const besideCollector = !inMemory && alone === null;
      let pageViews: number;
      try {
        pageViews = await rebuildInsights(db, site.id, { besideCollector });
      } finally {
        alone?.release();
      }
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      out(
        `Rebuilt the insight rollups of ${site.id} from ${pageViews} page views in ${seconds} s${besideCollector ? ', in short slices beside the running collector' : ''}`,
        {
          siteId: site.id,
          pageViews,
          seconds,
          besideCollector,
        },
      );
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
      throw new UsageError(`unknown command "${command}"`, usage);
  }
}

/** `clearview data update`: needs no database, only where to install; a running collector is told with SIGHUP. */
async function dataUpdate(config: Config, args: string[], json: boolean): Promise<number> {
  const { values } = parse(args, { source: { type: 'string' } });
  if (!config.dataDir) throw new UsageError('an in-memory database has no data folder; set CLEARVIEW_DATA_DIR');
  const source = (values.source as string | undefined) ?? defaultIpDataSource;
  let update;
  try {
    update = await updateIpData({ dataDir: config.dataDir, source });
  } catch (error) {
    if (!(error instanceof IpDataRejected)) throw error;
    const message = `not installed, the data in use stays: ${error.message}`;
    process.stderr.write(json ? `${JSON.stringify({ error: { message } })}\n` : `clearview: ${message}\n`);
    return 1;
  }
  // The collector holding the database lock is the one to tell; none holding it means none running.
  let reloaded: number | null = null;
  if (config.dbPath !== ':memory:' && existsSync(config.dbPath)) {
    try {
      lockDatabase(config.dbPath).release();
    } catch (error) {
      if (!(error instanceof DatabaseLocked) || error.holderPid === null) throw error;
      process.kill(error.holderPid, 'SIGHUP');
      reloaded = error.holderPid;
    }
  }
  const human = `IP data from ${update.source} installed in ${update.dir}\n  ${update.ranges.v4} IPv4 and ${update.ranges.v6} IPv6 AS ranges, ${update.enterpriseAsns} enterprise AS numbers\n  ${
    reloaded === null ? 'No collector is running on this database: the next start uses it.' : `Collector ${reloaded} told to load it (SIGHUP).`
  }`;
  process.stdout.write(`${json ? JSON.stringify({ ...update, reloadedPid: reloaded }) : human}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${argv[0] === 'help' && argv.length > 1 ? usageOf(argv.slice(1)) : usage}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usageOf(argv.filter((word) => !word.startsWith('-')))}\n`);
    return 0;
  }
  let db: Db | null = null;
  let lock: DatabaseLock | null = null;
  // Backups and databases the CLI creates hold personal data: the user's alone, as the collector's are.
  process.umask(0o077);
  try {
    current = commandOf(argv);
    const config = loadConfig();
    if (current === 'data update') return await dataUpdate(config, argv.slice(2), json);
    // Only init (and npm start) create a database: any other command in the wrong folder, or with a
    // mistyped CLEARVIEW_DB, would otherwise answer from a new empty one as if nothing were there.
    if (current !== 'init' && current !== 'restore' && config.dbPath !== ':memory:' && !existsSync(config.dbPath)) throw new NoDatabase(resolve(config.dbPath));
    // The intake log is the running collector's: checking it, let alone repairing it, needs the collector stopped.
    if (argv[0] === 'intake' || argv[0] === 'restore') lock = lockDatabase(config.dbPath);
    if (argv[0] === 'restore') {
      const { positionals } = parse(argv.slice(1), {});
      const report = restoreDatabase(config.dbPath, required(positionals[0], 'FILE'), Date.now());
      const moved = report.intakeMovedTo ? `; the intake folder of the replaced database was moved to ${report.intakeMovedTo}` : '';
      process.stdout.write(`${json ? JSON.stringify(report) : `Restored ${config.dbPath} from ${report.file} (intake progress ${report.progress})${moved}`}\n`);
      return 0;
    }
    db = openDatabase(config.dbPath, { synchronous: config.synchronous });
    return (await run(db, config.dbPath, argv, (human, data) => process.stdout.write(`${json ? JSON.stringify(data) : human}\n`))) ?? 0;
  } catch (error) {
    const message =
      error instanceof UsageError
        ? error.message
        : error instanceof NoDatabase
          ? `no database at ${error.message}; run \`clearview init\` (or \`npm start\`) to create one, or set CLEARVIEW_DB to the database you meant`
          : error instanceof DatabaseLocked
            ? `${error.message}; stop the collector first`
            : error instanceof BackupRefused
              ? error.message
              : `failed: ${(error as Error).message}`;
    const help = error instanceof UsageError && error.usage ? `\n${error.usage}\n` : '';
    process.stderr.write(json ? `${JSON.stringify({ error: { message } })}\n` : `clearview: ${message}\n${help}`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    db?.close();
    lock?.release();
  }
}
