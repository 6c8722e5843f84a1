/**
 * A small ELF reader: just enough of the file header, program headers and dynamic section to follow what
 * the kernel and the dynamic loader do at exec time (PT_INTERP, DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH,
 * DT_FLAGS_1). Layouts are from `/usr/include/elf.h`; see runtime-deps.md §4.
 *
 * Image files are untrusted input: every offset is bounds-checked and a file that is not a usable ELF comes
 * back as an {@link ElfParseFailure} value, never as a thrown exception.
 */

/** EI_CLASS: 32- or 64-bit layout. */
export type ElfClass = 32 | 64;

/** EI_DATA: byte order of every multi-byte field. */
export type ElfEndian = 'little' | 'big';

/** e_type, named where the loader cares; anything else keeps its number. */
export type ElfType = 'rel' | 'exec' | 'dyn' | 'core' | number;

/**
 * How a program gets its libraries (runtime-deps.md §4.4):
 * - `static`: no PT_INTERP, no PT_DYNAMIC (gcc `-static`, pure Go).
 * - `static-pie`: no PT_INTERP but a PT_DYNAMIC without DT_NEEDED (gcc `-static-pie`); it relocates itself.
 * - `dynamic`: the kernel starts PT_INTERP, or (for a shared library) the loader maps it and its DT_NEEDED.
 */
export type ElfLinkage = 'static' | 'static-pie' | 'dynamic';

/** What the loader needs to know about one ELF file. */
export interface ElfInfo {
  elfClass: ElfClass;
  endian: ElfEndian;
  /** EI_OSABI (0 System V, 3 GNU/Linux). */
  osabi: number;
  /** e_machine (62 x86-64, 183 AArch64, 3 i386, 40 ARM, …). */
  machine: number;
  type: ElfType;
  /** e_flags; for 32-bit ARM it carries the hard/soft float ABI. */
  flags: number;
  /** PT_INTERP exactly as written (the kernel opens it literally), without the trailing NUL. */
  interpreter?: string;
  /** True when a PT_DYNAMIC segment exists. */
  hasDynamic: boolean;
  /** DT_NEEDED names, in file order (the loader's breadth-first order depends on it). */
  needed: string[];
  soname?: string;
  /** DT_RPATH as written (colon separated, DSTs unexpanded). */
  rpath?: string;
  /** DT_RUNPATH as written. When present glibc ignores DT_RPATH of this object entirely. */
  runpath?: string;
  /** DT_FLAGS (DF_ORIGIN 0x1 …), 0 when absent. */
  dtFlags: number;
  /** DT_FLAGS_1 (DF_1_NODEFLIB 0x800, DF_1_PIE 0x08000000 …), 0 when absent. */
  dtFlags1: number;
  linkage: ElfLinkage;
}

/** Why a buffer could not be read as ELF. `not-elf` means the magic bytes are missing (a script, a text file). */
export interface ElfParseFailure {
  error: 'not-elf' | 'truncated' | 'malformed';
  message: string;
}

export type ElfParseResult = { ok: true; elf: ElfInfo } | ({ ok: false } & ElfParseFailure);

export const EM_386 = 3;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;

export const DF_1_NODEFLIB = 0x800;
export const DF_1_PIE = 0x08000000;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
/** e_phnum value meaning "the real count is in section header 0's sh_info" (elf.h PN_XNUM). */
const PN_XNUM = 0xffff;

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_FLAGS = 30;
const DT_RUNPATH = 29;
const DT_FLAGS_1 = 0x6ffffffb;

/** Guards against absurd headers in hostile files (a real binary has a few dozen phdrs and dyn entries). */
const MAX_PROGRAM_HEADERS = 65536;
const MAX_DYNAMIC_ENTRIES = 1 << 20;

/** True when the buffer starts with the ELF magic `7f 45 4c 46`. */
export function hasElfMagic(buf: Buffer): boolean {
  return buf.length >= 4 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46;
}

/** Thrown only inside this module and turned into an {@link ElfParseFailure} by {@link parseElf}. */
class ElfReadProblem {
  constructor(
    readonly error: ElfParseFailure['error'],
    readonly message: string,
  ) {}
}

/** Thrown inside this module when the parse needs bytes of the file that have not been read yet. */
class MissingBytes {
  constructor(
    readonly offset: number,
    readonly size: number,
  ) {}
}

/**
 * The parts of a file read so far: the whole file for {@link parseElf}, or the header and then whatever
 * ranges the parse asks for (program headers, PT_INTERP, the dynamic section, its string table) for
 * {@link parseElfByRanges}, so a 200 MB library costs a few kilobytes of reading.
 */
class ElfBytes {
  private readonly parts: { start: number; bytes: Buffer }[] = [];

  constructor(readonly length: number) {}

  add(start: number, bytes: Buffer): void {
    this.parts.push({ start, bytes });
  }

  /** `size` bytes at `offset`; a truncation problem past the end of the file, MissingBytes when not read yet. */
  bytes(offset: number, size: number, what: string): Buffer {
    if (!Number.isSafeInteger(offset) || offset < 0 || size < 0 || offset + size > this.length) {
      throw new ElfReadProblem('truncated', `${what} [${offset}, ${offset + size}) lies beyond the end of the file (${this.length} bytes)`);
    }
    for (const part of this.parts) {
      if (offset >= part.start && offset + size <= part.start + part.bytes.length) return part.bytes.subarray(offset - part.start, offset - part.start + size);
    }
    throw new MissingBytes(offset, size);
  }
}

/** Bounds-checked field reads in the file's byte order and class. */
class ElfReader {
  constructor(
    readonly file: ElfBytes,
    readonly is64: boolean,
    readonly little: boolean,
  ) {}

  u8(offset: number, what: string): number {
    return this.file.bytes(offset, 1, what)[0];
  }

  u16(offset: number, what: string): number {
    const b = this.file.bytes(offset, 2, what);
    return this.little ? b.readUInt16LE(0) : b.readUInt16BE(0);
  }

  u32(offset: number, what: string): number {
    const b = this.file.bytes(offset, 4, what);
    return this.little ? b.readUInt32LE(0) : b.readUInt32BE(0);
  }

  /** A 64-bit unsigned field as a Number, or a malformed-file problem when it exceeds 2^53 (no real offset does). */
  u64(offset: number, what: string): number {
    const b = this.file.bytes(offset, 8, what);
    const value = this.little ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfReadProblem('malformed', `${what} is too large (${value})`);
    return Number(value);
  }

  /** A signed 64-bit field (Elf64_Sxword d_tag) as BigInt, so tags like 0x6ffffffb compare exactly. */
  i64(offset: number, what: string): bigint {
    const b = this.file.bytes(offset, 8, what);
    return this.little ? b.readBigInt64LE(0) : b.readBigInt64BE(0);
  }

  /** Address-sized field: 4 bytes in ELFCLASS32, 8 in ELFCLASS64. */
  word(offset: number, what: string): number {
    return this.is64 ? this.u64(offset, what) : this.u32(offset, what);
  }
}

interface ProgramHeader {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

/**
 * Parses an ELF file from the bytes the caller read. Never throws: garbage, truncation and non-ELF input
 * come back as `{ ok: false, error, message }`.
 */
export function parseElf(buf: Buffer): ElfParseResult {
  if (!hasElfMagic(buf)) return { ok: false, error: 'not-elf', message: 'no ELF magic' };
  const file = new ElfBytes(buf.length);
  file.add(0, buf);
  return parseLoaded(file) as ElfParseResult;
}

/** Bytes read first: the ELF header and, in every real file, the program headers after it. */
const ELF_HEAD_BYTES = 64 * 1024;
/** The most one range may ask for: dynamic sections and string tables are kilobytes in real files. */
const MAX_ELF_RANGE = 16 * 1024 * 1024;

/**
 * Parses an ELF file of `size` bytes reading only the ranges the parse needs through `read(start, size)`.
 * Same results as {@link parseElf} on the whole file; read errors propagate.
 */
export async function parseElfByRanges(size: number, read: (start: number, size: number) => Promise<Buffer>): Promise<ElfParseResult> {
  const file = new ElfBytes(size);
  const head = await read(0, Math.min(size, ELF_HEAD_BYTES));
  if (!hasElfMagic(head)) return { ok: false, error: 'not-elf', message: 'no ELF magic' };
  file.add(0, head);
  for (;;) {
    const result = parseLoaded(file);
    if (!(result instanceof MissingBytes)) return result;
    if (result.size > MAX_ELF_RANGE) return { ok: false, error: 'malformed', message: `a header table of ${result.size} bytes is implausible` };
    file.add(result.offset, await read(result.offset, result.size));
  }
}

function parseLoaded(file: ElfBytes): ElfParseResult | MissingBytes {
  try {
    return { ok: true, elf: readElf(file) };
  } catch (problem) {
    if (problem instanceof MissingBytes) return problem;
    if (problem instanceof ElfReadProblem) return { ok: false, error: problem.error, message: problem.message };
    if (problem instanceof RangeError) return { ok: false, error: 'truncated', message: problem.message };
    throw problem;
  }
}

function readElf(file: ElfBytes): ElfInfo {
  if (file.length < 16) throw new ElfReadProblem('truncated', 'file ends inside e_ident');
  const buf = file.bytes(0, 16, 'e_ident');
  const classByte = buf[4];
  const dataByte = buf[5];
  if (classByte !== 1 && classByte !== 2) throw new ElfReadProblem('malformed', `unknown EI_CLASS ${classByte}`);
  if (dataByte !== 1 && dataByte !== 2) throw new ElfReadProblem('malformed', `unknown EI_DATA ${dataByte}`);
  const is64 = classByte === 2;
  const r = new ElfReader(file, is64, dataByte === 1);

  const typeNumber = r.u16(16, 'e_type');
  const machine = r.u16(18, 'e_machine');
  const phoff = r.word(is64 ? 32 : 28, 'e_phoff');
  const shoff = r.word(is64 ? 40 : 32, 'e_shoff');
  const flags = r.u32(is64 ? 48 : 36, 'e_flags');
  const phentsize = r.u16(is64 ? 54 : 42, 'e_phentsize');
  let phnum = r.u16(is64 ? 56 : 44, 'e_phnum');
  if (phnum === PN_XNUM) {
    // More than 0xfffe program headers: the count lives in section header 0's sh_info (elf.h, PN_XNUM).
    phnum = r.u32(shoff + (is64 ? 44 : 28), 'sh_info of section header 0');
  }
  const minPhent = is64 ? 56 : 32;
  if (phnum > 0 && phentsize < minPhent) throw new ElfReadProblem('malformed', `e_phentsize ${phentsize} is smaller than ${minPhent}`);
  if (phnum > MAX_PROGRAM_HEADERS) throw new ElfReadProblem('malformed', `e_phnum ${phnum} is implausible`);

  const phdrs: ProgramHeader[] = [];
  if (phnum > 0) file.bytes(phoff, phnum * phentsize, 'program headers');
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    phdrs.push(
      is64
        ? { type: r.u32(at, 'p_type'), offset: r.u64(at + 8, 'p_offset'), vaddr: r.u64(at + 16, 'p_vaddr'), filesz: r.u64(at + 32, 'p_filesz') }
        : { type: r.u32(at, 'p_type'), offset: r.u32(at + 4, 'p_offset'), vaddr: r.u32(at + 8, 'p_vaddr'), filesz: r.u32(at + 16, 'p_filesz') },
    );
  }

  let interpreter: string | undefined;
  const interp = phdrs.find((p) => p.type === PT_INTERP);
  if (interp) {
    const bytes = file.bytes(interp.offset, interp.filesz, 'PT_INTERP');
    const nul = bytes.indexOf(0);
    interpreter = bytes.subarray(0, nul < 0 ? bytes.length : nul).toString('latin1');
  }

  const info: ElfInfo = {
    elfClass: is64 ? 64 : 32,
    endian: dataByte === 1 ? 'little' : 'big',
    osabi: buf[7],
    machine,
    type: elfType(typeNumber),
    flags,
    interpreter,
    hasDynamic: false,
    needed: [],
    dtFlags: 0,
    dtFlags1: 0,
    linkage: 'static',
  };

  // glibc uses the first PT_DYNAMIC (l_ld is set once in _dl_map_object_from_fd); so does lddtree.
  const dynamic = phdrs.find((p) => p.type === PT_DYNAMIC);
  if (dynamic) {
    info.hasDynamic = true;
    readDynamic(r, dynamic, phdrs, info);
  }
  // Static-pie relocates itself: PT_DYNAMIC for its own relocations, no PT_INTERP, no DT_NEEDED, and the
  // linker marks it DF_1_PIE (verified with gcc -static-pie, runtime-deps.md §4.4). Without the PIE flag
  // such a file is a shared library that happens to need nothing (ld.so itself, small plugins).
  const selfRelocating = !interpreter && dynamic && info.needed.length === 0 && (info.dtFlags1 & DF_1_PIE) !== 0;
  info.linkage = interpreter !== undefined ? 'dynamic' : !dynamic ? 'static' : selfRelocating ? 'static-pie' : 'dynamic';
  return info;
}

function elfType(value: number): ElfType {
  switch (value) {
    case 1:
      return 'rel';
    case 2:
      return 'exec';
    case 3:
      return 'dyn';
    case 4:
      return 'core';
    default:
      return value;
  }
}

function readDynamic(r: ElfReader, dynamic: ProgramHeader, phdrs: ProgramHeader[], info: ElfInfo): void {
  const entsize = r.is64 ? 16 : 8;
  const count = Math.min(Math.floor(dynamic.filesz / entsize), MAX_DYNAMIC_ENTRIES);
  // One read for the whole section (past the end of the file, the entry loop reports where it is truncated).
  if (dynamic.offset + count * entsize <= r.file.length) r.file.bytes(dynamic.offset, count * entsize, 'PT_DYNAMIC');
  const neededOffsets: number[] = [];
  let strtabAddr: number | undefined;
  let strsz: number | undefined;
  let soname: number | undefined;
  let rpath: number | undefined;
  let runpath: number | undefined;
  for (let i = 0; i < count; i++) {
    const at = dynamic.offset + i * entsize;
    const tag = r.is64 ? r.i64(at, 'd_tag') : BigInt(r.u32(at, 'd_tag') | 0);
    const value = r.word(at + (r.is64 ? 8 : 4), 'd_val');
    if (tag === BigInt(DT_NULL)) break;
    switch (Number(tag)) {
      case DT_NEEDED:
        neededOffsets.push(value);
        break;
      case DT_STRTAB:
        strtabAddr = value;
        break;
      case DT_STRSZ:
        strsz = value;
        break;
      case DT_SONAME:
        soname = value;
        break;
      case DT_RPATH:
        rpath = value;
        break;
      case DT_RUNPATH:
        runpath = value;
        break;
      case DT_FLAGS:
        info.dtFlags = value;
        break;
      case DT_FLAGS_1:
        info.dtFlags1 = value;
        break;
    }
  }
  const wantsStrings = neededOffsets.length > 0 || soname !== undefined || rpath !== undefined || runpath !== undefined;
  if (!wantsStrings) return;
  if (strtabAddr === undefined) throw new ElfReadProblem('malformed', 'dynamic section names strings but has no DT_STRTAB');
  const strtab = stringTable(r.file, strtabAddr, strsz, phdrs);
  const str = (offset: number, what: string): string => {
    if (offset >= strtab.length) throw new ElfReadProblem('malformed', `${what} string offset ${offset} is outside the string table`);
    const end = strtab.indexOf(0, offset);
    if (end < 0) throw new ElfReadProblem('truncated', `${what} string is not NUL-terminated`);
    return strtab.subarray(offset, end).toString('utf8');
  };
  info.needed = neededOffsets.map((offset) => str(offset, 'DT_NEEDED'));
  if (soname !== undefined) info.soname = str(soname, 'DT_SONAME');
  if (rpath !== undefined) info.rpath = str(rpath, 'DT_RPATH');
  if (runpath !== undefined) info.runpath = str(runpath, 'DT_RUNPATH');
}

/**
 * DT_STRTAB is a virtual address. Map it to a file offset through the PT_LOAD that contains it, as ld.so
 * effectively does; this works for stripped files without section headers (runtime-deps.md §4.3).
 */
function stringTable(file: ElfBytes, addr: number, strsz: number | undefined, phdrs: ProgramHeader[]): Buffer {
  const load = phdrs.find((p) => p.type === PT_LOAD && p.vaddr <= addr && addr < p.vaddr + p.filesz);
  if (!load) throw new ElfReadProblem('malformed', `DT_STRTAB address 0x${addr.toString(16)} is in no PT_LOAD segment`);
  const offset = addr - load.vaddr + load.offset;
  if (offset >= file.length) throw new ElfReadProblem('truncated', 'the dynamic string table lies beyond the end of the file');
  const end = Math.min(file.length, strsz !== undefined ? offset + strsz : file.length, load.offset + load.filesz);
  return file.bytes(offset, end - offset, 'the dynamic string table');
}
