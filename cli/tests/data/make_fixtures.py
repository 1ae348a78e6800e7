"""Makes the .npy fixtures of posenc-cli's tests with NumPy itself (not with posenc).

Run from this directory: python3 make_fixtures.py. The files are committed; the tests do not
need NumPy.

- torch_f32_angle.npy: the PyTorch tutorial's recipe (angle formed in float32), buffer shape
  (rows, 1, d) as the tutorial registers it, for positions 1_000_000 .. 1_000_255 (pass
  --start 1000000). Its error is up to about |theta| * 2^-24: 0.017 here.
- numpy_f64_big_endian.npy: the same encoding computed in float64 and stored big-endian ('>f8'),
  positions 0 .. 255; within about 1e-13 of exact.
"""
import numpy as np

d, rows = 16, 256

start = 1_000_000
pos = (start + np.arange(rows, dtype=np.float32))[:, None]
div = np.exp(np.arange(0, d, 2, dtype=np.float32) * np.float32(-np.log(10000.0) / d))
pe = np.zeros((rows, 1, d), dtype=np.float32)
pe[:, 0, 0::2] = np.sin(pos * div)
pe[:, 0, 1::2] = np.cos(pos * div)
np.save("torch_f32_angle.npy", pe)

pos = np.arange(rows, dtype=np.float64)[:, None]
div = np.exp(np.arange(0, d, 2, dtype=np.float64) * (-np.log(10000.0) / d))
pe = np.zeros((rows, d), dtype=np.float64)
pe[:, 0::2] = np.sin(pos * div)
pe[:, 1::2] = np.cos(pos * div)
np.save("numpy_f64_big_endian.npy", pe.astype(">f8"))
