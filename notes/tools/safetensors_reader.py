import json, struct, numpy as np
def load(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8 + n]); meta = h.pop('__metadata__', {})
    data = b[8 + n:]
    out = {}
    for k, v in h.items():
        s, e = v['data_offsets']
        out[k] = np.frombuffer(data[s:e], dtype=np.float32).reshape(v['shape']).copy()
    return meta, out
