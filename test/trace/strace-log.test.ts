/**
 * The strace log reader, on log text written here in strace's format (`strace -f -qq -y -e trace=%file -o FILE`,
 * strace 6.1 as on Debian bookworm): what counts as an access, how names are made absolute, how split calls join,
 * and that quoting cannot be used to smuggle a path.
 */
import { parseStraceLog, StraceLogReader, unescapeStrace } from '../../src/trace';

const LOG = String.raw`
9     execve("/usr/bin/python3", ["python3", "/opt/inventory/report.py"], 0x7fff92ff85a8 /* 5 vars */) = 0
9     access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)
9     openat(AT_FDCWD</opt/inventory>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>
9     newfstatat(3</etc/ld.so.cache>, "", {st_mode=S_IFREG|0644, st_size=5691, ...}, AT_EMPTY_PATH) = 0
9     openat(AT_FDCWD</opt/inventory>, "/lib/x86_64-linux-gnu/libm.so.6", O_RDONLY|O_CLOEXEC) = 3</usr/lib/x86_64-linux-gnu/libm.so.6>
9     openat(AT_FDCWD</opt/inventory>, "inventory.yaml", O_RDONLY|O_CLOEXEC) = 4</opt/inventory/inventory.yaml>
9     openat(AT_FDCWD</opt/inventory>, "/usr/lib/python3.11/missing.py", O_RDONLY) = -1 ENOENT (No such file or directory)
9     newfstatat(AT_FDCWD</opt/inventory>, "/usr/lib/python3.11/encodings/__init__.py", {st_mode=S_IFREG|0644, st_size=5677, ...}, 0) = 0
9     newfstatat(AT_FDCWD</opt/inventory>, "/usr/lib/python3.11/nothere", 0x7ffd5a1c2e30, 0) = -1 ENOENT (No such file or directory)
9     openat(AT_FDCWD</opt/inventory>, "/usr/lib/python3.11/lib-dynload", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 5</usr/lib/python3.11/lib-dynload>
9     openat(5</usr/lib/python3.11/lib-dynload>, "_csv.cpython-311-x86_64-linux-gnu.so", O_RDONLY|O_CLOEXEC) = 6</usr/lib/python3.11/lib-dynload/_csv.cpython-311-x86_64-linux-gnu.so>
10    openat(AT_FDCWD</>, "/var/log/app.log", O_WRONLY|O_CREAT|O_APPEND, 0644 <unfinished ...>
9     openat(AT_FDCWD</opt/inventory>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 7</etc/passwd>
10    <... openat resumed>) = 3</var/log/app.log>
10    open("/tmp/x (deleted)", O_RDONLY) = 8</tmp/x (deleted)>
10    openat(AT_FDCWD</>, "/srv/a\"b\n\303\251<>", O_RDONLY) = 9</srv/a"b\n\303\251\74\76>
10    openat(AT_FDCWD</>, "/srv/O_CREAT", O_RDONLY) = 10</srv/O_CREAT>
10    execve("/bin/sh", ["sh", "-c", "exec jq"], 0x55 /* 3 vars */) = 0
10    execve("/usr/local/sbin/jq", ["jq"], 0x55 /* 3 vars */) = -1 ENOENT (No such file or directory)
10    execve("/usr/bin/jq", ["jq"], 0x55 /* 3 vars */) = 0
11    execveat(3</usr/libexec>, "helper", ["helper"], 0x55 /* 3 vars */, 0) = 0
11    statx(AT_FDCWD</app>, "conf.d", AT_STATX_SYNC_AS_STAT, STATX_ALL, {stx_mask=STATX_BASIC_STATS, ...}) = 0
11    faccessat2(AT_FDCWD</app>, "/usr/bin/tool", X_OK, AT_EACCESS) = 0
12    mkdir("/tmp/nginx/client_body", 0700) = 0
12    mkdir("/tmp/nginx", 0700) = -1 EEXIST (File exists)
12    mkdirat(AT_FDCWD</>, "/nope/x", 0700) = -1 ENOENT (No such file or directory)
11    +++ exited with 0 +++
`;

describe('parseStraceLog', () => {
  const accesses = parseStraceLog(LOG);
  const of = (kind: string) => accesses.filter((access) => access.kind === kind);

  test('successful opens, with the name given (made absolute) and the file the kernel opened', () => {
    expect(of('open')).toEqual([
      { syscall: 'openat', kind: 'open', named: '/etc/ld.so.cache', real: '/etc/ld.so.cache', create: false, directory: false },
      { syscall: 'openat', kind: 'open', named: '/lib/x86_64-linux-gnu/libm.so.6', real: '/usr/lib/x86_64-linux-gnu/libm.so.6', create: false, directory: false },
      { syscall: 'openat', kind: 'open', named: '/opt/inventory/inventory.yaml', real: '/opt/inventory/inventory.yaml', create: false, directory: false },
      { syscall: 'openat', kind: 'open', named: '/usr/lib/python3.11/lib-dynload', real: '/usr/lib/python3.11/lib-dynload', create: false, directory: true },
      {
        syscall: 'openat',
        kind: 'open',
        named: '/usr/lib/python3.11/lib-dynload/_csv.cpython-311-x86_64-linux-gnu.so',
        real: '/usr/lib/python3.11/lib-dynload/_csv.cpython-311-x86_64-linux-gnu.so',
        create: false,
        directory: false,
      },
      { syscall: 'openat', kind: 'open', named: '/etc/passwd', real: '/etc/passwd', create: false, directory: false },
      // Joined from its <unfinished ...> and <... resumed> halves, across another process's line.
      { syscall: 'openat', kind: 'open', named: '/var/log/app.log', real: '/var/log/app.log', create: true, directory: false },
      { syscall: 'openat', kind: 'open', named: '/srv/a"b\né<>', real: '/srv/a"b\né<>', create: false, directory: false },
      // A file called O_CREAT is not a flag.
      { syscall: 'openat', kind: 'open', named: '/srv/O_CREAT', real: '/srv/O_CREAT', create: false, directory: false },
    ]);
  });

  test('successful executions only, an execveat made absolute with its directory', () => {
    expect(of('exec').map((access) => access.named)).toEqual(['/usr/bin/python3', '/bin/sh', '/usr/bin/jq', '/usr/libexec/helper']);
  });

  test('successful lookups (stat, access) of named paths; an fstat of a descriptor is not one', () => {
    expect(of('stat').map((access) => `${access.syscall} ${access.named}`)).toEqual([
      'newfstatat /usr/lib/python3.11/encodings/__init__.py',
      'statx /app/conf.d',
      'faccessat2 /usr/bin/tool',
      // A mkdir that found the directory there looked it up too.
      'mkdir /tmp/nginx',
    ]);
  });

  test('directories made at run time', () => {
    expect(of('create')).toEqual([{ syscall: 'mkdir', kind: 'create', named: '/tmp/nginx/client_body', create: true, directory: true }]);
  });

  test('failed calls, deleted files and exit notices are not accesses', () => {
    const named = accesses.map((access) => access.named);
    for (const path of ['/etc/ld.so.preload', '/usr/lib/python3.11/missing.py', '/usr/lib/python3.11/nothere', '/usr/local/sbin/jq', '/tmp/x (deleted)', '/tmp/x']) expect(named).not.toContain(path);
  });

  test('a log without pids (no -f) reads the same', () => {
    expect(parseStraceLog('openat(AT_FDCWD</>, "/etc/hosts", O_RDONLY) = 3</etc/hosts>\n')).toEqual([{ syscall: 'openat', kind: 'open', named: '/etc/hosts', real: '/etc/hosts', create: false, directory: false }]);
  });

  test('the same access twice is listed once', () => {
    const reader = new StraceLogReader();
    for (const line of ['1 openat(AT_FDCWD</>, "/a", O_RDONLY) = 3</a>', '2 openat(AT_FDCWD</>, "/a", O_RDONLY) = 3</a>']) reader.push(line);
    expect(reader.accesses).toHaveLength(1);
  });

  test('a relative name without a decorated directory descriptor is known only by the real path', () => {
    expect(parseStraceLog('5 open("conf/app.ini", O_RDONLY) = 3</etc/app/conf/app.ini>')).toEqual([{ syscall: 'open', kind: 'open', named: undefined, real: '/etc/app/conf/app.ini', create: false, directory: false }]);
  });
});

describe('unescapeStrace', () => {
  test.each([
    ['plain', 'plain'],
    ['a\\"b\\\\c', 'a"b\\c'],
    ['\\n\\t\\r\\v\\f', '\n\t\r\v\f'],
    ['\\303\\251', 'é'],
    ['\\xc3\\xa9', 'é'],
    ['\\0', '\0'],
    ['\\74\\76', '<>'],
    ['trailing\\', 'trailing\\'],
  ])('%s', (text, expected) => {
    expect(unescapeStrace(text)).toBe(expected);
  });
});
