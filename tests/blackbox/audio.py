"""Audio helpers for the call tests: tone files and what a recording holds.

Standard library only (Debian's python3, no numpy): tones are written
with `wave`, and a recording is examined with the Goertzel algorithm,
which measures the energy at one frequency; comparing candidate
frequencies tells which tone a recording carries.
"""
import math
import struct
import wave


def write_tone(path, freq, seconds=6.0, rate=8000, amplitude=8000,
               channels=1):
    """A 16-bit WAV of a pure tone (the same in every channel)."""
    n = int(rate * seconds)
    frames = b"".join(
        struct.pack("<h", int(amplitude * math.sin(2 * math.pi * freq * i
                                                    / rate))) * channels
        for i in range(n))
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
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


DTMF_FREQS = {
    "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
    "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
    "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
    "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633),
}


def write_dtmf(path, digits, lead=1.5, on=0.12, off=0.12, seconds=30.0,
               rate=8000, amplitude=6000):
    """A WAV of silence, the digits as in-band tones, then silence (a
    phone's microphone that types digits)."""
    out = [0] * int(rate * lead)
    for d in digits:
        lo, hi = DTMF_FREQS[d]
        out += [int(amplitude * (math.sin(2 * math.pi * lo * i / rate) +
                                 math.sin(2 * math.pi * hi * i / rate)) / 2)
                for i in range(int(rate * on))]
        out += [0] * int(rate * off)
    out += [0] * max(0, int(rate * seconds) - len(out))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(struct.pack("<%dh" % len(out), *out))


def envelope(samples, rate, ms=20):
    """RMS of each `ms` window."""
    n = max(1, rate * ms // 1000)
    return [math.sqrt(sum(x * x for x in samples[i:i + n]) / n)
            for i in range(0, len(samples) - n + 1, n)]


def contains(recording, reference):
    """How well the loudness contour of `reference` (a WAV) matches some
    stretch of `recording`: the best normalised correlation of their 20 ms
    envelopes over every offset (1.0 = the same shape).  Speech has a
    contour that noise, tones and other words do not share."""
    rec, rrate = read_samples(recording)
    ref, frate = read_samples(reference)
    if rrate != frate:
        step = frate / rrate
        ref = [ref[int(i * step)] for i in range(int(len(ref) / step))]
    a, b = envelope(rec, rrate), envelope(ref, rrate)
    if len(a) < len(b):
        return 0.0
    mb = sum(b) / len(b)
    db = [x - mb for x in b]
    nb = math.sqrt(sum(x * x for x in db)) or 1.0
    best = 0.0
    for off in range(len(a) - len(b) + 1):
        w = a[off:off + len(b)]
        mw = sum(w) / len(w)
        dw = [x - mw for x in w]
        nw = math.sqrt(sum(x * x for x in dw))
        if nw == 0:
            continue
        best = max(best, sum(x * y for x, y in zip(dw, db)) / (nw * nb))
    return best
