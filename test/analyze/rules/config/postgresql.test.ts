import { postgresNames } from '../../../../src/analyze/rules/postgresql';
import { analyzeRoot, buildRoot, keptPath, program, reasonsOf } from './config-root';

const BIN = '/usr/lib/postgresql/15/bin';
const LIB = '/usr/lib/postgresql/15/lib';
const SHARE = '/usr/share/postgresql/15';

const root = buildRoot({
  [`${BIN}/postgres`]: program([], ['$libdir', LIB, SHARE]),
  [`${BIN}/initdb`]: program([], ['postgres', 'CREATE EXTENSION plpgsql;\n']),
  [`${SHARE}/extension/plpgsql.control`]: "# plpgsql extension\ncomment = 'PL/pgSQL'\nmodule_pathname = '$libdir/plpgsql'\n",
  [`${SHARE}/extension/plpgsql--1.0.sql`]: "CREATE FUNCTION plpgsql_call_handler() AS 'MODULE_PATHNAME' LANGUAGE C;\n",
  [`${SHARE}/extension/hstore.control`]: "module_pathname = '$libdir/hstore'\n",
  [`${SHARE}/extension/hstore--1.8.sql`]: 'select 1;\n',
  [`${SHARE}/timezonesets/Default`]: '@INCLUDE Common\nUTC 0\n',
  [`${SHARE}/timezonesets/Common`]: 'GMT 0\n',
  [`${SHARE}/timezonesets/India`]: 'IST 19800\n',
  [`${LIB}/plpgsql.so`]: program(),
  [`${LIB}/hstore.so`]: program(),
  [`${LIB}/pg_stat_statements.so`]: program(),
  '/etc/postgresql/15/main/postgresql.conf': "# shared_preload_libraries = 'auto_explain'\nshared_preload_libraries = 'pg_stat_statements'\n",
});

describe('PostgreSQL extensions, modules and time zone sets', () => {
  it('keeps the extension initdb creates, the module its control file names, and the Default zone set with its includes', async () => {
    const analysis = await analyzeRoot(root, { Cmd: [`${BIN}/initdb`] });
    expect(reasonsOf(analysis, `${SHARE}/extension/plpgsql.control`, 'postgresql')[0].by).toBe(`${BIN}/initdb`);
    expect(keptPath(analysis, `${SHARE}/extension/plpgsql--1.0.sql`)).toBeDefined();
    expect(reasonsOf(analysis, `${LIB}/plpgsql.so`, 'postgresql')[0]).toMatchObject({ origin: { path: `${SHARE}/extension/plpgsql.control`, line: 3 } });
    expect(keptPath(analysis, `${SHARE}/timezonesets/Default`)).toBeDefined();
    expect(reasonsOf(analysis, `${SHARE}/timezonesets/Common`, 'postgresql')[0].origin).toEqual({ path: `${SHARE}/timezonesets/Default`, line: 1 });
    for (const path of [`${SHARE}/extension/hstore.control`, `${LIB}/hstore.so`, `${SHARE}/timezonesets/India`]) expect(keptPath(analysis, path)).toBeUndefined();
  });

  it('keeps preloaded libraries named in a kept postgresql.conf', async () => {
    const analysis = await analyzeRoot(root, { Cmd: [`${BIN}/postgres`, '--config-file=/etc/postgresql/15/main/postgresql.conf'] });
    expect(reasonsOf(analysis, `${LIB}/pg_stat_statements.so`, 'postgresql')[0].origin).toEqual({ path: '/etc/postgresql/15/main/postgresql.conf', line: 2 });
  });

  it('reads names from SQL and settings', () => {
    expect(postgresNames("create extension if not exists \"PostGIS\";\nLOAD '$libdir/auto_explain';\ntimezone_abbreviations = 'India'\n")).toEqual([
      { kind: 'extension', name: 'postgis', line: 1 },
      { kind: 'module', name: 'auto_explain', line: 2 },
      { kind: 'timezone-set', name: 'India', line: 3 },
    ]);
  });
});
