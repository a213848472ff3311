"""Audio helpers for the call tests: tone files and what a recording holds.

Standard library only (Debian's python3, no numpy): tones are written
with `wave`, and a recording is examined with the Goertzel algorithm,
which measures the energy at one frequency; comparing candidate
frequencies tells which tone a recording carries.
"""
import math
import struct
import wave


def write_tone(path, freq, seconds=6.0, rate=8000, amplitude=8000):
    """A mono 16-bit WAV of a pure tone."""
    n = int(rate * seconds)
    frames = b"".join(
        struct.pack("<h", int(amplitude * math.sin(2 * math.pi * freq * i
                                                    / rate)))
        for i in range(n))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)


def read_samples(path):
    """(samples of the first channel, sample rate)."""
    with wave.open(path, "rb") as w:
        rate, ch, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError("%s: %d-byte samples" % (path, width))
    vals = struct.unpack("<%dh" % (len(raw) // 2), raw)
    return list(vals[::ch]), rate


def goertzel_power(samples, rate, freq):
    """Relative energy of `freq` in the samples."""
    k = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x + k * s1 - s2
        s2, s1 = s1, s0
    return (s1 * s1 + s2 * s2 - k * s1 * s2) / max(1, len(samples))


def tone_report(path, candidates):
    """{freq: power} over the audible part of a recording, and the count
    of non-silent samples."""
    samples, rate = read_samples(path)
    loud = [x for x in samples if abs(x) > 300]
    return ({f: goertzel_power(samples, rate, f) for f in candidates},
            len(loud), rate)


def dominant(path, candidates):
    """The candidate frequency with the most energy, and how much
    stronger it is than the next one."""
    powers, loud, _ = tone_report(path, candidates)
    ranked = sorted(powers.items(), key=lambda kv: kv[1], reverse=True)
    best, second = ranked[0], ranked[1] if len(ranked) > 1 else (0, 1e-9)
    return best[0], best[1] / max(second[1], 1e-9), loud
