#!/usr/bin/env python3
"""A valid melgrad dataset file (.mgd) of any size, made in seconds: the data part is a hole in a sparse file.

    bench/dp/make_sparse_dataset.py OUT.mgd --gigabytes 30

The file has the layout of experiments/gtzan/dataset_file.h (version 1): its tables list one clip of one
128 x 128 chunk per 64 KiB of data, genres in turn; the data is all zeros (silence in the dB scale), written
as a hole, so it takes no disk space and no time. Even the checksum is right without reading anything:
FNV-1a over a zero 8-byte word is one multiplication by the FNV prime, so k zero words multiply the hash by
prime**k (mod 2**64). Used to show that training reads only its batches' chunks (docs/15-data-parallel.md).
"""
import argparse
import os
import struct

PRIME, OFFSET, MASK = 0x100000001B3, 0xCBF29CE484222325, (1 << 64) - 1
GENRES = "blues classical country disco hiphop jazz metal pop reggae rock".split()


def fnv1a64_words(data, h=OFFSET):
    assert len(data) % 8 == 0
    for (w,) in struct.iter_unpack("<Q", data):
        h = ((h ^ w) * PRIME) & MASK
    return h


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--gigabytes", type=float, required=True, help="size of the data part (GiB)")
    a = ap.parse_args()
    n_mels = frames = 128
    chunk_bytes = n_mels * frames * 4
    n = int(a.gigabytes * (1 << 30)) // chunk_bytes
    text = "".join(f"{k}={v}\n" for k, v in sorted(
        {"genres": ",".join(GENRES), "synthetic": "1", "source": "bench/dp/make_sparse_dataset.py"}.items()))
    tables = bytearray()
    for i in range(n):
        g = GENRES[i % 10]
        name = f"{g}/{g}.{i:07d}.wav".encode()
        tables += struct.pack("<HH", i % 10, len(name)) + name + struct.pack("<II", i, 1)
    tables += b"".join(struct.pack("<II", i, 0) for i in range(n))
    head = b"MELGRADD" + struct.pack("<IIIIII", 1, n, n, n_mels, frames, len(text.encode()))
    data_offset = (len(head) + 8 + len(text.encode()) + len(tables) + 63) // 64 * 64
    head += struct.pack("<Q", data_offset) + text.encode() + bytes(tables)
    head += bytes(data_offset - len(head))
    h = fnv1a64_words(head)
    h = (h * pow(PRIME, n * chunk_bytes // 8, 1 << 64)) & MASK  # the zero words of the data
    with open(a.out + ".tmp", "wb") as f:
        f.write(head)
        f.seek(data_offset + n * chunk_bytes)  # the hole: the data, all zeros
        f.write(struct.pack("<Q", h))
    os.replace(a.out + ".tmp", a.out)
    print(f"{a.out}: {n} chunks, {(data_offset + n * chunk_bytes + 8) / (1 << 30):.1f} GiB "
          f"({os.stat(a.out).st_blocks * 512 / (1 << 20):.0f} MiB on disk)")


if __name__ == "__main__":
    main()
