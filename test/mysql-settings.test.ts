/**
 * DiracX's database settings (`src/mysql-settings.ts`): the seven `DIRACX_DB_URL_*` as DiracX
 * writes them plus `DIRACX_OWN_DB_URL` give where every database lives; a half-configured set,
 * a mix with `DATABASE_URL`, another server or user, our database named like one of DiracX's, or
 * a URL that is not MySQL's each stop the start with lines naming the variables (passwords never
 * echoed).
 */
import { describe, expect, it } from 'bun:test';
import { DB_URL_SETTINGS, mysqlTarget } from '../src/mysql-settings.ts';
import { parseSettings, SettingsError } from '../src/settings.ts';

const SERVER = 'dx:s3cret@db.example.org:3307';

/** DiracX's seven URLs as a DiracX installation's environment has them, and ours. */
function mysqlEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { DIRACX_OWN_DB_URL: `mysql://${SERVER}/DiracxTs` };
  for (const [db, name] of Object.entries(DB_URL_SETTINGS)) env[name] = `mysql+aiomysql://${SERVER}/${db}`;
  return { ...env, ...overrides };
}

function errorLines(env: Record<string, string>): string[] {
  try {
    parseSettings(env);
  } catch (err) {
    if (err instanceof SettingsError) return err.lines;
    throw err;
  }
  throw new Error('expected parseSettings to throw');
}

describe('DiracX database settings', () => {
  it('read the seven DiracX URLs and ours into one server and the database of each', () => {
    const target = mysqlTarget(parseSettings(mysqlEnv()));
    expect(target).toEqual({
      url: `mysql://${SERVER}/DiracxTs`,
      names: {
        own: 'DiracxTs',
        diracx: {
          AuthDB: 'AuthDB',
          JobDB: 'JobDB',
          JobLoggingDB: 'JobLoggingDB',
          SandboxMetadataDB: 'SandboxMetadataDB',
          TaskQueueDB: 'TaskQueueDB',
          PilotAgentsDB: 'PilotAgentsDB',
          ResourceStatusDB: 'ResourceStatusDB',
        },
      },
    });
  });

  it('accept plain mysql:// URLs and default the port to 3306', () => {
    const env = mysqlEnv({ DIRACX_DB_URL_JOBDB: 'mysql://dx:s3cret@db.example.org:3307/Jobs_1' });
    expect(mysqlTarget(parseSettings(env))?.names.diracx.JobDB).toBe('Jobs_1');
    const noPort: Record<string, string> = {};
    for (const [key, value] of Object.entries(mysqlEnv())) noPort[key] = value.replace(':3307', '');
    expect(mysqlTarget(parseSettings(noPort))?.url).toBe('mysql://dx:s3cret@db.example.org:3306/DiracxTs');
  });

  it('leave a standalone installation (none of them set) on PostgreSQL or the embedded database', () => {
    expect(mysqlTarget(parseSettings({}))).toBeUndefined();
    expect(mysqlTarget(parseSettings({ DATABASE_URL: 'postgres://p@127.0.0.1/x' }))).toBeUndefined();
  });

  it('refuse a half-configured set, naming every missing variable', () => {
    const env = mysqlEnv();
    delete env.DIRACX_DB_URL_TASKQUEUEDB;
    delete env.DIRACX_DB_URL_PILOTAGENTSDB;
    delete env.DIRACX_OWN_DB_URL;
    const lines = errorLines(env);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toStartWith('DIRACX_DB_URL_TASKQUEUEDB=<redacted> is invalid: is required');
    expect(lines[0]).toContain('also missing: DIRACX_DB_URL_PILOTAGENTSDB');
    expect(lines[1]).toStartWith('DIRACX_DB_URL_PILOTAGENTSDB=<redacted> is invalid: is required');
    expect(lines[2]).toStartWith('DIRACX_OWN_DB_URL=<redacted> is invalid: is required with DIRACX_DB_URL_*');
  });

  it('refuse our own database alone: DiracX databases are needed with it', () => {
    const lines = errorLines({ DIRACX_OWN_DB_URL: `mysql://${SERVER}/DiracxTs` });
    expect(lines).toHaveLength(7);
    expect(lines.every((line) => line.startsWith('DIRACX_DB_URL_'))).toBe(true);
  });

  it('refuse DATABASE_URL beside them', () => {
    const lines = errorLines(mysqlEnv({ DATABASE_URL: 'postgres://p@127.0.0.1/x' }));
    expect(lines).toEqual([
      'DATABASE_URL=<redacted> is invalid: cannot be used with DIRACX_DB_URL_* ' +
        "(PostgreSQL for standalone use, or DiracX's MySQL databases, not both)",
    ]);
  });

  it('refuse a database on another server or as another user, and ours named like one of DiracX', () => {
    expect(errorLines(mysqlEnv({ DIRACX_DB_URL_JOBDB: 'mysql://dx:s3cret@other.example.org:3307/JobDB' }))).toEqual([
      'DIRACX_DB_URL_JOBDB=<redacted> is invalid: must name the server and user of DIRACX_OWN_DB_URL ' +
        '(one pool reaches every database)',
    ]);
    expect(errorLines(mysqlEnv({ DIRACX_DB_URL_AUTHDB: 'mysql://root@db.example.org:3307/AuthDB' }))).toHaveLength(1);
    expect(errorLines(mysqlEnv({ DIRACX_OWN_DB_URL: `mysql://${SERVER}/JobDB` }))).toEqual([
      "DIRACX_OWN_DB_URL=<redacted> is invalid: must name a database of its own, not DiracX's JobDB (JobDB)",
    ]);
  });

  it('refuse URLs that are not MySQL, or name no database, without echoing them', () => {
    const lines = errorLines(mysqlEnv({ DIRACX_DB_URL_AUTHDB: 'sqlite+aiosqlite:///tmp/s3cret.db' }));
    expect(lines).toEqual([
      'DIRACX_DB_URL_AUTHDB=<redacted> is invalid: ' +
        'expected a mysql:// or mysql+aiomysql:// URL (DiracX on MySQL/MariaDB)',
    ]);
    expect(errorLines(mysqlEnv({ DIRACX_DB_URL_AUTHDB: `mysql://${SERVER}/` }))[0]).toContain(
      'with the database name as its path',
    );
  });
});
