#!/usr/bin/env python3
"""Marks one symbol-version requirement of an ELF shared library weak (VER_FLG_WEAK in .gnu.version_r).

  weak_version.py LIBRARY VERSION      e.g. weak_version.py libLibTorchSharp.so GLIBCXX_3.4.32

The dynamic loader refuses to load a library that needs a version its dependency lacks, unless the
requirement is weak. TorchSharp 0.107's libLibTorchSharp.so was linked against libstdc++ from GCC 13, which
asks for GLIBCXX_3.4.32 for one symbol only, std::ios_base_library_init() (a reference GCC 13's <iostream>
emits so the linker pulls in libstdc++'s stream initialisation; it is never called). Debian 12 ships
GLIBCXX_3.4.30. Marking that one requirement weak lets the library load; the symbol itself then comes from
a tiny shim library (ios_base_library_init.c) added as a dependency with patchelf.
Edits the file in place; run it on a copy (bench/torchsharp/prepare-native.sh does).
"""
import struct
import sys

VER_FLG_WEAK = 0x2
SHT_GNU_VERNEED = 0x6FFFFFFE


def main(path, version):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit(f"{path}: not a little-endian 64-bit ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        verneed = [s for s in sections if s[1] == SHT_GNU_VERNEED]
        if not verneed:
            raise SystemExit(f"{path}: no .gnu.version_r section")
        _, _, _, _, offset, _, link, info, _, _ = verneed[0]
        strtab = sections[link][4]  # the section's file offset; the names are NUL-terminated strings in it

        def name_at(index):
            end = data.index(0, strtab + index)
            return data[strtab + index:end].decode()

        changed = 0
        entry = offset
        for _ in range(info):  # Elf64_Verneed: vn_version, vn_cnt, vn_file, vn_aux, vn_next
            _, count, file_name, aux, next_entry = struct.unpack_from("<HHIII", data, entry)
            vernaux = entry + aux
            for _ in range(count):  # Elf64_Vernaux: vna_hash, vna_flags, vna_other, vna_name, vna_next
                _, flags, _, name, next_aux = struct.unpack_from("<IHHII", data, vernaux)
                if name_at(name) == version:
                    struct.pack_into("<H", data, vernaux + 4, flags | VER_FLG_WEAK)
                    changed += 1
                    print(f"{path}: {name_at(file_name)} {version}: flags {flags:#x} -> {flags | VER_FLG_WEAK:#x}")
                vernaux += next_aux
            if next_entry == 0:
                break
            entry += next_entry
        if changed == 0:
            raise SystemExit(f"{path}: no requirement of version {version}")
        f.seek(0)
        f.write(data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
