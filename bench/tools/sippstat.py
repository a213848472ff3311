#!/usr/bin/env python3
"""Summarise one SIPp -trace_stat file (';'-separated, one row per -fd period).

usage: sippstat.py STATFILE

Prints KEY=VALUE lines (numbers only, safe for the shell to read):
  created   calls (= registrations) SIPp started
  ok        registrations that reached the final 200
  failed    registrations SIPp gave up on (any reason)
  retrans   requests SIPp had to retransmit (no answer within 500 ms, ...)
  offered   registrations/s SIPp actually started: its cumulative call rate
            at the last sample taken while it was still creating calls
  rt1 rt10 rt100   % of successful registrations answered (first REGISTER
            to 200) within 1, 10, 100 ms
  f_unexp f_maxretrans f_recvtimeout f_send   failed calls by cause
  dead      messages that arrived for calls already finished
"""
import sys


def num(s):
    try:
        return float(s)
    except ValueError:
        return 0.0


def hms_s(v):
    # SIPp elapsed time "HH:MM:SS" or "HH:MM:SS:uuuuuu"
    parts = v.split(":")
    try:
        h, m, s = int(parts[0]), int(parts[1]), int(parts[2])
    except (ValueError, IndexError):
        return 0.0
    frac = int(parts[3]) / 1e6 if len(parts) > 3 and parts[3].isdigit() else 0.0
    return h * 3600 + m * 60 + s + frac


def main():
    with open(sys.argv[1], errors="replace") as f:
        lines = [ln.rstrip("\n") for ln in f if ln.strip()]
    if len(lines) < 2:
        print("created=0\nok=0\nfailed=0\nretrans=0\noffered=0\nrt1=0\nrt10=0\nrt100=0")
        return
    head = lines[0].split(";")
    rows = [ln.split(";") for ln in lines[1:]]
    col = {name: i for i, name in enumerate(head)}

    def get(row, name):
        i = col.get(name)
        return num(row[i]) if i is not None and i < len(row) else 0.0

    last = rows[-1]
    created = get(last, "TotalCallCreated")
    out = {
        "created": created,
        "ok": get(last, "SuccessfulCall(C)"),
        "failed": get(last, "FailedCall(C)"),
        "retrans": get(last, "Retransmissions(C)"),
        "f_unexp": get(last, "FailedUnexpectedMessage(C)"),
        "f_maxretrans": get(last, "FailedMaxUDPRetrans(C)"),
        "f_recvtimeout": get(last, "FailedTimeoutOnRecv(C)"),
        "f_send": get(last, "FailedCannotSendMessage(C)"),
        "dead": get(last, "DeadCallMsgs(C)"),
    }

    # offered rate: the cumulative rate at the last sample before creation ended
    offered = 0.0
    for row in rows:
        if 0 < get(row, "TotalCallCreated") < created:
            offered = get(row, "CallRate(C)")
    if offered == 0.0:
        i = col.get("ElapsedTime(C)")
        el = hms_s(last[i]) if i is not None else 0.0
        offered = created / el if el > 0 else get(last, "CallRate(C)")
    out["offered"] = offered

    # response-time buckets: cumulative counts in the last row
    buckets = [(name, i) for name, i in col.items()
               if name.startswith("ResponseTimeRepartition1_")]
    total = sum(get(last, name) for name, _ in buckets)

    def share_below(limit_ms):
        n = 0.0
        for name, _ in buckets:
            b = name.split("_", 1)[1]
            if b.startswith("<") and num(b[1:]) <= limit_ms:
                n += get(last, name)
        return 100.0 * n / total if total else 0.0

    out["rt1"] = share_below(1)
    out["rt10"] = share_below(10)
    out["rt100"] = share_below(100)

    for k, v in out.items():
        if k in ("offered", "rt1", "rt10", "rt100"):
            print("%s=%.1f" % (k, v))
        else:
            print("%s=%d" % (k, v))


if __name__ == "__main__":
    main()
