#!/usr/bin/env python3
"""Regenerates the golden files `vectors.csv` and `rope.csv` from the SPEC's formulas.

Every exact value is the real-number value of the SPEC's formula for the f64 inputs as given:
each input float converts to an `mpf` exactly, the arithmetic runs at 60 significant digits,
and each value is printed rounded to 25 significant digits (far more than the 17 that pin an
f64). The case list below is the one the SPEC's files hold, so the output is byte-identical to
them (`cmp` it against `testkit/golden/`).

    pip install mpmath
    python3 testkit/golden/generate.py [OUT_DIR]      # default: this script's folder

CI does not run it: the files are the contract, this script shows how they were computed.
"""

import os
import sys

import mpmath
from mpmath import mpf

mpmath.mp.dps = 60

# Significant digits written per exact value.
DIGITS = 25


def exact_text(x):
    """A value of the table (sin, cos), always in scientific notation: `8.414…e-1`, `1.0`, `0.0`."""
    return mpmath.nstr(x, DIGITS, min_fixed=0, max_fixed=0)


def plain_text(x):
    """ω and the attention factor, in mpmath's default notation: `0.8659…`, `1.0`."""
    return mpmath.nstr(x, DIGITS)


def input_text(x):
    """An input as the shortest text that parses back to its f64 (`10000.0`, `1e-300`)."""
    return repr(float(x))


# ---------------------------------------------------------------------------------------------
# The encoding (SPEC "The encoding")
# ---------------------------------------------------------------------------------------------

# (case, layout, d_model, base, shift, scale, positions)
ENCODING_CASES = [
    ("paper-512", "interleaved", 512, 10000.0, 0.0, 1.0,
     [0.0, 1.0, 2.0, 3.0, 17.0, 511.0, 4095.0, 65535.0, 100000.0, 1000000.0, 16777215.0]),
    ("paper-odd-7", "interleaved", 7, 10000.0, 0.0, 1.0, [0.0, 1.0, 5.0, 1234.0]),
    ("paper-1", "interleaved", 1, 10000.0, 0.0, 1.0, [0.0, 1.0, 3.0]),
    ("paper-2", "interleaved", 2, 10000.0, 0.0, 1.0, [0.0, 1.0, 100.0]),
    ("split-shift1-384", "split-sin-cos", 384, 10000.0, 1.0, 1.0, [0.0, 1.0, 1499.0, 70000.0]),
    ("split-odd-9", "split-sin-cos", 9, 10000.0, 1.0, 1.0, [0.0, 2.0, 33.0]),
    ("timestep-cos-sin-320", "split-cos-sin", 320, 10000.0, 0.0, 1.0,
     [0.0, 0.5, 999.0, 261.75, 12.3456789]),
    ("base-500k-128", "interleaved", 128, 500000.0, 0.0, 1.0, [0.0, 7.0, 8191.0, 131071.0]),
    ("scaled-quarter-64", "interleaved", 64, 10000.0, 0.0, 0.25, [0.0, 3.0, 40000.0]),
    ("negative-fraction-16", "interleaved", 16, 10000.0, 0.0, 1.0, [-1.0, -0.125, -9999.5]),
]


def encoding_row(layout, d, base, shift, scale, p):
    """The exact values of one row: column j per the SPEC's layout table."""
    if layout == "interleaved":
        n = (d + 1) // 2
        denominator = mpf(d) / 2 - mpf(shift)
    else:
        n = d // 2
        denominator = mpf(d // 2) - mpf(shift)

    def angle(i):
        # Where n = 1, ω_0 = 1 whatever D is (and i/D = 0 for i = 0 anyway).
        omega = mpf(1) if i == 0 else mpf(base) ** (-mpf(i) / denominator)
        return mpf(scale) * mpf(p) * omega

    row = []
    for j in range(d):
        if layout == "interleaved":
            value = mpmath.sin(angle(j // 2)) if j % 2 == 0 else mpmath.cos(angle(j // 2))
        elif j >= 2 * n:
            value = mpf(0)  # the pad column of an odd d
        else:
            first, second = (mpmath.sin, mpmath.cos) if layout == "split-sin-cos" else (mpmath.cos, mpmath.sin)
            value = first(angle(j)) if j < n else second(angle(j - n))
        row.append(value)
    return row


def write_vectors(path):
    with open(path, "w", newline="") as out:
        out.write("case,layout,d_model,base,shift,scale,position,column,exact\n")
        for case, layout, d, base, shift, scale, positions in ENCODING_CASES:
            head = f"{case},{layout},{d},{input_text(base)},{input_text(shift)},{input_text(scale)}"
            for p in positions:
                for j, value in enumerate(encoding_row(layout, d, base, shift, scale, p)):
                    out.write(f"{head},{input_text(p)},{j},{exact_text(value)}\n")


# ---------------------------------------------------------------------------------------------
# Rotary position embeddings (SPEC "Rotary position embeddings (RoPE)")
# ---------------------------------------------------------------------------------------------

ROPE_COLUMNS = [
    "case", "rotary_dim", "theta", "scaling", "factor", "original_max_len", "seq_len",
    "beta_fast", "beta_slow", "mscale", "mscale_all_dim", "truncate", "low_freq_factor",
    "high_freq_factor", "short_factors", "long_factors", "attention_factor",
]

LONG_CONTEXT = [0.0, 1.0, 2.0, 127.0, 4095.0, 8191.0, 32767.0, 131071.0, 1000000.0, 16777215.0]
SHORT_FACTORS = [1.0, 1.01, 1.02, 1.05, 1.1, 1.2, 1.4, 1.8]
LONG_FACTORS = [1.0, 1.3, 2.1, 4.0, 8.5, 16.0, 24.0, 31.0]

# (parameters; a parameter left out is empty in the file and takes its SPEC default), positions
ROPE_CASES = [
    (dict(case="llama2-128", rotary_dim=128, theta=10000.0, scaling="none"), LONG_CONTEXT),
    (dict(case="llama3-128", rotary_dim=128, theta=500000.0, scaling="llama3", factor=8.0,
          original_max_len=8192, low_freq_factor=1.0, high_freq_factor=4.0), LONG_CONTEXT),
    (dict(case="linear-64", rotary_dim=64, theta=10000.0, scaling="linear", factor=4.0),
     [0.0, 3.0, 16383.0, 65535.0]),
    (dict(case="ntk-64", rotary_dim=64, theta=10000.0, scaling="ntk", factor=4.0),
     [0.0, 5.0, 9000.0]),
    (dict(case="dynamic-128", rotary_dim=128, theta=10000.0, scaling="dynamic", factor=2.0,
          original_max_len=4096, seq_len=16384), [0.0, 1.0, 4095.0, 16383.0]),
    (dict(case="dynamic-short-128", rotary_dim=128, theta=10000.0, scaling="dynamic", factor=2.0,
          original_max_len=4096, seq_len=1000), [0.0, 999.0]),
    (dict(case="yarn-qwen-128", rotary_dim=128, theta=1000000.0, scaling="yarn", factor=4.0,
          original_max_len=32768), [0.0, 1.0, 32767.0, 131071.0]),
    (dict(case="yarn-deepseek-64", rotary_dim=64, theta=10000.0, scaling="yarn", factor=40.0,
          original_max_len=4096, beta_fast=32.0, beta_slow=1.0, mscale=1.0, mscale_all_dim=1.0),
     [0.0, 7.0, 163839.0]),
    (dict(case="yarn-notrunc-32", rotary_dim=32, theta=10000.0, scaling="yarn", factor=8.0,
          original_max_len=2048, truncate=False), [0.0, 2047.0, 16383.0]),
    (dict(case="partial-neox-32", rotary_dim=32, theta=10000.0, scaling="none"),
     [0.0, 1.0, 2048.0, 1000000.0]),
    (dict(case="longrope-short-16", rotary_dim=16, theta=10000.0, scaling="longrope", factor=32.0,
          original_max_len=4096, seq_len=100, short_factors=SHORT_FACTORS,
          long_factors=LONG_FACTORS), [0.0, 3.0, 4000.0]),
    (dict(case="longrope-long-16", rotary_dim=16, theta=10000.0, scaling="longrope", factor=32.0,
          original_max_len=4096, seq_len=131072, short_factors=SHORT_FACTORS,
          long_factors=LONG_FACTORS), [0.0, 3.0, 131071.0]),
    (dict(case="attention-2", rotary_dim=8, theta=10000.0, scaling="none", attention_factor=0.5),
     [0.0, 9.0]),
    (dict(case="fractional-8", rotary_dim=8, theta=10000.0, scaling="none"), [-3.5, 0.25, 1e-300]),
    (dict(case="rd2", rotary_dim=2, theta=10000.0, scaling="none"), [0.0, 1.0, 16777215.0]),
]


def default_omegas(r, base):
    """ω_i^0 = b^(−2i/r), i = 0 … r/2 − 1."""
    return [mpf(base) ** (-mpf(2 * i) / r) for i in range(r // 2)]


def yarn_mscale(s, m):
    """g(s, m) = 1 for s ≤ 1, else 0.1·m·ln s + 1."""
    return mpf(1) if s <= 1 else mpf("0.1") * m * mpmath.log(s) + 1


def rope_frequencies(c):
    """(ω_i for every pair, the attention factor a) of one case, per the SPEC's scaling table."""
    r, b, scaling = c["rotary_dim"], mpf(c["theta"]), c["scaling"]
    f = mpf(c.get("factor", 1.0))
    base0 = default_omegas(r, b)
    a = mpf(1)
    if scaling == "none":
        omegas = base0
    elif scaling == "linear":
        omegas = [w / f for w in base0]
    elif scaling == "ntk":
        omegas = default_omegas(r, b * f ** (mpf(r) / (r - 2)))
    elif scaling == "dynamic":
        l0, seq = mpf(c["original_max_len"]), mpf(c["seq_len"])
        grown = f * max(seq, l0) / l0 - (f - 1)
        omegas = default_omegas(r, b * grown ** (mpf(r) / (r - 2)))
    elif scaling == "yarn":
        l0 = mpf(c["original_max_len"])
        beta_fast, beta_slow = mpf(c.get("beta_fast", 32.0)), mpf(c.get("beta_slow", 1.0))

        def correction_dim(x):
            return r * mpmath.log(l0 / (2 * mpmath.pi * x)) / (2 * mpmath.log(b))

        low, high = correction_dim(beta_fast), correction_dim(beta_slow)
        if c.get("truncate", True):
            low, high = mpmath.floor(low), mpmath.ceil(high)
        low, high = max(low, mpf(0)), min(high, mpf(r - 1))
        if low == high:
            high += mpf("0.001")
        omegas = []
        for i, w in enumerate(base0):
            ramp = min(max((i - low) / (high - low), mpf(0)), mpf(1))
            e = 1 - ramp
            omegas.append((w / f) * (1 - e) + w * e)
        if "mscale" in c and "mscale_all_dim" in c:
            a = yarn_mscale(f, mpf(c["mscale"])) / yarn_mscale(f, mpf(c["mscale_all_dim"]))
        else:
            a = yarn_mscale(f, mpf(1))
    elif scaling == "llama3":
        l0 = mpf(c.get("original_max_len", 8192))
        lf, hf = mpf(c.get("low_freq_factor", 1.0)), mpf(c.get("high_freq_factor", 4.0))
        omegas = []
        for w in base0:
            wavelength = 2 * mpmath.pi / w
            if wavelength > l0 / lf:
                omegas.append(w / f)
            elif wavelength < l0 / hf:
                omegas.append(w)
            else:
                s = (l0 / wavelength - lf) / (hf - lf)
                omegas.append((1 - s) * w / f + s * w)
    elif scaling == "longrope":
        l0, seq = mpf(c["original_max_len"]), mpf(c["seq_len"])
        factors = c["long_factors"] if seq > l0 else c["short_factors"]
        omegas = [w / mpf(e) for w, e in zip(base0, factors)]
        a = mpf(1) if f <= 1 else mpmath.sqrt(1 + mpmath.log(f) / mpmath.log(l0))
    else:
        raise ValueError(f"unknown scaling {scaling}")
    if "attention_factor" in c:
        a = mpf(c["attention_factor"])  # an explicit attention factor replaces the scaling's
    return omegas, a


def rope_parameter_text(c, name):
    if name not in c:
        return ""
    value = c[name]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(input_text(x) for x in value)
    if isinstance(value, float):
        return input_text(value)
    return str(value)


def write_rope(path):
    with open(path, "w", newline="") as out:
        out.write(",".join(ROPE_COLUMNS + ["position", "pair", "omega", "attention", "cos", "sin"]) + "\n")
        for c, positions in ROPE_CASES:
            head = ",".join(rope_parameter_text(c, name) for name in ROPE_COLUMNS)
            omegas, a = rope_frequencies(c)
            for p in positions:
                for i, w in enumerate(omegas):
                    theta = mpf(p) * w
                    out.write(
                        f"{head},{input_text(p)},{i},{plain_text(w)},{plain_text(a)},"
                        f"{exact_text(mpmath.cos(theta))},{exact_text(mpmath.sin(theta))}\n"
                    )


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(folder, exist_ok=True)
    write_vectors(os.path.join(folder, "vectors.csv"))
    write_rope(os.path.join(folder, "rope.csv"))


if __name__ == "__main__":
    main()
