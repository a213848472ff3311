/*
 * mediaload.h: what the parts of the media load driver share (clocks,
 * CPU time of one thread, audio to send, the KEY=VALUE report).
 * mediaload.c drives the relays (transcoding, players, conferences,
 * recorded calls), mediarec.c the recordings (of those relays, and the
 * writer fed directly), mediacost.c the mixer and codecs timed alone.
 */
#ifndef CENTREX_BENCH_MEDIALOAD_H
#define CENTREX_BENCH_MEDIALOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* command-line settings of one run */
struct ml_opts {
	unsigned n;             /**< calls, players, participants or recordings */
	unsigned conf_size;     /**< conferences: parties in each */
	double warm_s;          /**< before the measured window */
	double window_s;        /**< the measured window */
	unsigned port_lo, port_hi;
	unsigned late_ms;       /**< a packet this late (or more) is late */
	const char *speech;     /**< WAV of what the phones say; NULL: made up */
	const char *clip;       /**< WAV the players loop; NULL: made up */
	const char *codec;      /**< players, conferences: "pcmu" or "opus" */
	bool quiet_caller;      /**< players: the caller sends nothing */
	const char *dir;        /**< recordings go here */
	unsigned channels;      /**< of a recording: 1 mixed, 2 split */
};

void ml_die(const char *what);
void ml_fail(const char *fmt, ...);
uint64_t ml_now_ns(void);
void ml_sleep_until(uint64_t t_ns);
/* utime+stime of thread tid of this process (0: the whole process), ns */
uint64_t ml_cpu_ns(int tid);
/* time thread tid waited for a CPU while runnable, ns; 0 if unknown */
uint64_t ml_wait_ns(int tid);
/* the thread of this process whose name is comm, or 0 */
int ml_find_thread(const char *comm);
/* runs libre's loop until *left is 0 or ms have passed; returns *left */
unsigned ml_loop_until(const unsigned *left, unsigned ms);
/* 16 kHz mono audio: the WAV at path (at most max_s seconds), or, with
   no path, seconds of a made-up voice-like signal; malloc'd */
int16_t *ml_audio(const char *path, unsigned max_s, size_t *np);
/* G.711 mu-law of one sample */
uint8_t ml_ulaw(int16_t s);

int ml_mix(const struct ml_opts *o);      /* mediacost.c */
int ml_writer(const struct ml_opts *o);   /* mediarec.c */

/* Recordings of relays (mediarec.c, for mediaload.c's record mode):
   start the writer (returns its thread id), record relay i into a file
   of o->dir, stop it (t0_ns: when the phones started sending), then
   wait for every done callback and print the results. */
struct media_relay;
int  ml_rec_start(const struct ml_opts *o);
void ml_rec_attach(struct media_relay *r, unsigned i);
void ml_rec_stop(struct media_relay *r, unsigned i, uint64_t t0_ns);
void ml_rec_finish(void);

#endif
