#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpus (tests/fuzz/corpus/TARGET/seed_*): one small valid input per format
and a few near-misses. Run once; the outputs are committed (a few KB in all)."""
import os, struct

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, 'seed_' + name), 'wb').write(data if isinstance(data, bytes) else data.encode())


def fnv1a64(data, h=0xcbf29ce484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def fnv1a64_words(data, h=0xcbf29ce484222325):
    i = 0
    while i + 8 <= len(data):
        h = ((h ^ struct.unpack_from('<Q', data, i)[0]) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        i += 8
    for b in data[i:]:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def wav(fmt_tag, bits, channels, payload):
    fmt = struct.pack('<HHIIHH', fmt_tag, channels, 8000, 8000 * channels * bits // 8, channels * bits // 8, bits)
    body = b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt)) + fmt + b'data' + struct.pack('<I', len(payload)) + payload
    return b'RIFF' + struct.pack('<I', len(body)) + body


put('wav', 'pcm16', wav(1, 16, 1, struct.pack('<8h', 0, 1000, -1000, 32767, -32768, 5, 6, 7)))
put('wav', 'float_stereo', wav(3, 32, 2, struct.pack('<4f', 0.5, -0.5, 0.25, 1.0)))
put('wav', 'truncated', wav(1, 16, 1, bytes(16))[:40])

def au(enc, payload, channels=1):
    return b'.snd' + struct.pack('>5I', 24, len(payload), enc, 8000, channels) + payload
put('au', 'mulaw', au(1, bytes(range(16))))
put('au', 'pcm16', au(3, struct.pack('>4h', 1, -1, 300, -300)))
put('au', 'unknown_size', b'.snd' + struct.pack('>5I', 24, 0xFFFFFFFF, 6, 8000, 2) + struct.pack('>2f', 0.5, -0.5))

# dataset: 2 genres, 2 clips, 3 chunks of 2 x 2 (experiments/gtzan/dataset_file.h)
text = b'chunk_frames=2\ngenres=blues,jazz\nn_mels=2\nsynthetic=1\n'
tables = b''
for genre, name, first, n in [(0, b'blues/a.wav', 0, 2), (1, b'jazz/b.wav', 2, 1)]:
    tables += struct.pack('<HH', genre, len(name)) + name + struct.pack('<II', first, n)
for clip, start in [(0, 0), (0, 2), (1, 0)]:
    tables += struct.pack('<II', clip, start)
head = b'MELGRADD' + struct.pack('<6I', 1, 2, 3, 2, 2, len(text))
offset = (len(head) + 8 + len(text) + len(tables) + 63) // 64 * 64
head += struct.pack('<Q', offset) + text + tables
head += bytes(offset - len(head))
data = struct.pack('<12f', *[i / 12 for i in range(12)])
put('dataset', 'small', head + data + struct.pack('<Q', fnv1a64_words(head + data)))
put('dataset', 'truncated', (head + data)[:100])

# checkpoint (framework/checkpoint.h): metadata as train writes it, two tensors
def ck_str(s):
    s = s.encode()
    return struct.pack('<I', len(s)) + s
meta = {'epochs_done': '1', 'batch_in_epoch': '0', 'partial_loss_sum': '0', 'partial_correct': '0',
        'partial_seen': '0', 'epoch_seconds_before': '0', 'best_val_acc': '0.5', 'best_epoch': '1',
        'data.n_mels': '8', 'data.chunk_frames': '8', 'data.scale': 'db', 'model_text': 'input 1 8 8\nflatten\nlinear out=2\n'}
body = struct.pack('<I', len(meta)) + b''.join(ck_str(k) + ck_str(v) for k, v in sorted(meta.items()))
body += struct.pack('<I', 2)
body += ck_str('0.weight') + struct.pack('<3I', 2, 2, 2) + struct.pack('<4f', 1, 2, 3, 4)
body += ck_str('0.bias') + struct.pack('<2I', 1, 2) + struct.pack('<2f', 0.5, -0.5)
ck = b'MELGRADC' + struct.pack('<I', 1)
total = len(ck) + 8 + len(body) + 8
ck += struct.pack('<Q', total) + body
put('checkpoint', 'small', ck + struct.pack('<Q', fnv1a64(ck)))
put('checkpoint', 'body_only', body)  # the target also wraps every input in a valid header and checksum

put('model_text', 'tiny_cnn', 'input 1 128 128\nconv2d out=8 kernel=3 padding=1\nbatchnorm2d\nrelu\nmaxpool2d kernel=4\n'
    'conv2d out=16 kernel=3 padding=1\nbatchnorm2d\nrelu\nglobalavgpool2d\nflatten\ndropout p=0.3\nlinear out=10\n')
put('model_text', 'crnn', 'input 1 16 16\nconv2d out=4 kernel=3 padding=1\nrelu\nmaxpool2d kernel=2\nto_sequence\n'
    'gru hidden=8 output=last\nlinear out=3\n')

def npy(descr, shape, payload):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    h += ' ' * ((64 - (10 + len(h) + 1) % 64) % 64) + '\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode() + payload
put('npy', 'f4_2x3', npy('<f4', '(2, 3)', struct.pack('<6f', *range(6))))
put('npy', 'f8_4', npy('<f8', '(4,)', struct.pack('<4d', *range(4))))

for name, data in [('int', b'\x00\x06123'), ('neg', b'\x02\x05-5'), ('wrap', b'\x03\x054294967297'),
                   ('float', b'\x00\x061e-3'), ('nan', b'\x00\x06nan')]:
    put('cli_numbers', name, data)

# Regression inputs: the hostile inputs issue 13 found (each crashed or allocated without bound before its fix).
# FMA's tracks.csv (two header rows, pandas' track_id row, quoted commas and line breaks) and class-name lines
put('fma_tracks', 'tracks_csv', ',album,album,artist,artist,set,set,track,track,track\n'
    ',title,tracks,bio,name,split,subset,genre_top,genres,title\ntrack_id,,,,,,,,,\n'
    '2,AWOL - A Way Of Life,7,"<p>A Way Of Life, A Collective</p>",AWOL,training,small,Hip-Hop,[21],Food\n'
    '5,AWOL,7,"first line\n""quoted"" second line",AWOL,validation,small,Hip-Hop,"[21, 27]",This World\n'
    '10,Constant Hitmaker,2,,Kurt Vile,training,small,,"[10, 12]",Freeway\n')
put('fma_tracks', 'unclosed_quote', ',set,set,track\n,split,subset,genre_top\n7,"open quote\n')
put('fma_tracks', 'class_names', 'Rock%2C Pop,100%25 jazz,bad%zz')

def reg(target, name, data):
    put(target, 'regress_' + name, data)  # named seed_regress_*: replayed by make test like every seed

bad = bytearray(head + data + struct.pack('<Q', fnv1a64_words(head + data)))
bad[12:16] = b'\xff\xff\xff\xff'  # n_clips = 2^32 - 1 asked for 206 GB before the count was checked
reg('dataset', 'huge_n_clips', bytes(bad))
reg('model_text', 'huge_conv', 'input 1 128 128\nconv2d out=2147483647 kernel=3\n')
reg('model_text', 'wrapping_input', 'input 1 99999999999 128\nflatten\nlinear out=10\n')
reg('model_text', 'avgpool_stride0', 'input 1 8 8\navgpool2d kernel=2 stride=0\nflatten\nlinear out=2\n')
reg('model_text', 'batchnorm_eps', 'input 1 8 8\nbatchnorm2d eps=-1\n')
reg('npy', 'huge_shape', npy('<f4', '(4294967296, 4294967296)', bytes(16)))
reg('cli_numbers', 'epochs_wrap', b'\x03\x054294967297')
reg('cli_numbers', 'batch_wrap', b'\x03\x054294967328')
meta_bad = dict(meta, batch_in_epoch='-5', epochs_done='-3', **{'data.chunk_frames': '100000000', 'data.n_mels': 'abc'})
body = struct.pack('<I', len(meta_bad)) + b''.join(ck_str(k) + ck_str(v) for k, v in sorted(meta_bad.items()))
reg('checkpoint', 'hostile_metadata', body + struct.pack('<I', 0))
