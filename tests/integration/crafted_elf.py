"""Hostile ELF files made byte by byte (the same file as tests/unit/crafted_elf.cpp makes).

version_needs_bomb(): a 64 KiB x86_64 shared object whose 1792 version needs
(libc.so.6) each claim 65535 versions (vn_cnt) and all point at one shared chain
of 1792 GLIBC_2.2.5 entries: followed as the counts say, over 100 million name
pairs."""
import struct

SIZE, DYNAMIC, STRTAB, VERNEED, VERNAUX = 0x10000, 0x200, 0x1000, 0x2000, 0x9000
NEEDS = (VERNAUX - VERNEED) // 16
CHAIN = (SIZE - VERNAUX) // 16


def version_needs_bomb():
    elf = bytearray(SIZE)
    # 64-bit, little-endian, ET_DYN, x86_64; program headers at 64, 56 bytes each, two of them.
    elf[0:7] = b"\x7fELF\x02\x01\x01"
    struct.pack_into("<HHI", elf, 16, 3, 62, 1)
    struct.pack_into("<Q", elf, 32, 64)
    struct.pack_into("<HHH", elf, 52, 64, 56, 2)
    # PT_LOAD of the whole file at address 0, then PT_DYNAMIC.
    struct.pack_into("<IIQQQQQ", elf, 64, 1, 4, 0, 0, 0, SIZE, SIZE)
    struct.pack_into("<IIQQQQ", elf, 120, 2, 4, DYNAMIC, DYNAMIC, 0, 4 * 16)
    for i, (tag, value) in enumerate(((5, STRTAB), (0x6ffffffe, VERNEED), (0x6fffffff, NEEDS), (0, 0))):
        struct.pack_into("<QQ", elf, DYNAMIC + 16 * i, tag, value)
    elf[STRTAB:STRTAB + 23] = b"\0libc.so.6\0GLIBC_2.2.5\0"
    for i in range(NEEDS):
        at = VERNEED + 16 * i
        # vn_version, vn_cnt, vn_file ("libc.so.6"), vn_aux (the shared chain), vn_next
        struct.pack_into("<HHIII", elf, at, 1, 0xFFFF, 1, VERNAUX - at, 16 if i + 1 < NEEDS else 0)
    for i in range(CHAIN):
        # vna_hash, vna_flags, vna_other, vna_name ("GLIBC_2.2.5"), vna_next
        struct.pack_into("<IHHII", elf, VERNAUX + 16 * i, 0, 0, 0, 11, 16 if i + 1 < CHAIN else 0)
    return bytes(elf)
