/**
 * Writes small synthetic ELF files (any class and byte order) for tests that real binaries of this machine
 * cannot cover: big-endian and 32-bit layouts, other machines, musl trees. Layout: one PT_LOAD mapping the
 * whole file at vaddr = offset, then PT_INTERP and PT_DYNAMIC, as elf.h describes them.
 */
export interface ElfSpec {
  elfClass?: 32 | 64;
  endian?: 'little' | 'big';
  machine?: number;
  /** e_type number: 2 ET_EXEC, 3 ET_DYN. */
  type?: number;
  interpreter?: string;
  /** Without dynamic, no PT_DYNAMIC is written. */
  dynamic?: boolean;
  needed?: string[];
  soname?: string;
  rpath?: string;
  runpath?: string;
  flags1?: number;
}

export function buildElf(spec: ElfSpec): Buffer {
  const is64 = (spec.elfClass ?? 64) === 64;
  const little = (spec.endian ?? 'little') === 'little';
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const dynentsize = is64 ? 16 : 8;
  const withDynamic = spec.dynamic ?? true;

  const strings: string[] = [''];
  const strOffset = (s: string): number => {
    const at = strings.join('\0').length + 1;
    strings.push(s);
    return at;
  };
  const dyn: Array<[number, number]> = [];
  for (const name of spec.needed ?? []) dyn.push([1, strOffset(name)]);
  if (spec.soname !== undefined) dyn.push([14, strOffset(spec.soname)]);
  if (spec.rpath !== undefined) dyn.push([15, strOffset(spec.rpath)]);
  if (spec.runpath !== undefined) dyn.push([29, strOffset(spec.runpath)]);
  if (spec.flags1 !== undefined) dyn.push([0x6ffffffb, spec.flags1]);
  const dynstr = Buffer.from(`${strings.join('\0')}\0`, 'utf8');

  const phnum = 1 + (spec.interpreter !== undefined ? 1 : 0) + (withDynamic ? 1 : 0);
  const phoff = ehsize;
  const interpOff = phoff + phnum * phentsize;
  const interp = spec.interpreter !== undefined ? Buffer.from(`${spec.interpreter}\0`, 'latin1') : Buffer.alloc(0);
  const dynstrOff = interpOff + interp.length;
  const dynOff = Math.ceil((dynstrOff + dynstr.length) / 8) * 8;
  const entries: Array<[number, number]> = withDynamic ? [...dyn, [5, dynstrOff], [10, dynstr.length], [0, 0]] : [];
  const total = dynOff + entries.length * dynentsize;
  const buf = Buffer.alloc(total);

  const u16 = (at: number, v: number): void => void (little ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at));
  const u32 = (at: number, v: number): void => void (little ? buf.writeUInt32LE(v >>> 0, at) : buf.writeUInt32BE(v >>> 0, at));
  const u64 = (at: number, v: number): void => void (little ? buf.writeBigUInt64LE(BigInt(v), at) : buf.writeBigUInt64BE(BigInt(v), at));
  const word = (at: number, v: number): void => (is64 ? u64(at, v) : u32(at, v));

  buf.write('\x7fELF', 0, 'latin1');
  buf[4] = is64 ? 2 : 1;
  buf[5] = little ? 1 : 2;
  buf[6] = 1;
  u16(16, spec.type ?? 3);
  u16(18, spec.machine ?? 62);
  u32(20, 1);
  word(is64 ? 32 : 28, phoff);
  u16(is64 ? 52 : 40, ehsize);
  u16(is64 ? 54 : 42, phentsize);
  u16(is64 ? 56 : 44, phnum);

  let ph = phoff;
  const phdr = (type: number, offset: number, size: number): void => {
    u32(ph, type);
    if (is64) {
      u64(ph + 8, offset);
      u64(ph + 16, offset);
      u64(ph + 24, offset);
      u64(ph + 32, size);
      u64(ph + 40, size);
    } else {
      u32(ph + 4, offset);
      u32(ph + 8, offset);
      u32(ph + 12, offset);
      u32(ph + 16, size);
      u32(ph + 20, size);
    }
    ph += phentsize;
  };
  phdr(1, 0, total);
  if (spec.interpreter !== undefined) phdr(3, interpOff, interp.length);
  if (withDynamic) phdr(2, dynOff, entries.length * dynentsize);

  interp.copy(buf, interpOff);
  dynstr.copy(buf, dynstrOff);
  entries.forEach(([tag, value], i) => {
    const at = dynOff + i * dynentsize;
    word(at, tag);
    word(at + (is64 ? 8 : 4), value);
  });
  return buf;
}
