/**
 * @file record.h  Call recordings, written to disk off the media threads.
 *
 * A media thread must never wait for a disk.  It hands audio to a
 * recording with rec_write(), which copies it into the file's ring and
 * returns at once; one writer thread (struct recwriter) drains every
 * ring into its WAV file.  If the disk stalls and a ring fills up, the
 * newest audio is dropped and counted: the media thread never waits.
 *
 *   signalling thread          media thread            writer thread
 *   recwriter_start()
 *                              rec_open()  ----------> opens the file
 *                              rec_write() -> ring --> write()
 *                              rec_close() ----------> header patched,
 *   done_cb(result)  <-------------- mqueue ---------- file closed
 *
 * Files are 16 kHz (AUDIO_RATE) signed 16-bit PCM WAV, 1 or 2 channels
 * interleaved (2: one leg per channel).  A "frame" here is one sample of
 * every channel, as in WAV.
 *
 * Retention: once a day the writer thread deletes the recordings (file
 * and row) older than their tenant's recording_retention_days, or the
 * daemon's record.retention_days where the tenant has none (rec_sweep).
 */
#ifndef CENTREX_RECORD_RECORD_H
#define CENTREX_RECORD_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct recwriter;
struct rec_file;
struct store;

/** What became of a recording, given to its done callback. */
struct rec_result {
	uint64_t bytes;            /**< size of the file, header included */
	uint64_t frames;           /**< frames in the file */
	int64_t duration_ms;       /**< of those frames */
	uint64_t dropped_frames;   /**< lost to a full ring (slow disk) */
	int err;                   /**< 0, or why the file is incomplete */
};

/* runs on the thread that called recwriter_start() */
typedef void (rec_done_h)(const struct rec_result *res, void *arg);

struct recwriter_conf {
	unsigned ring_ms;          /**< audio a ring holds; 0 = 2000 */
	const char *store_url;     /**< retention sweeps; NULL = none */
	const char *data_dir;      /**< recording files are relative to it */
	int retention_days;        /**< record.retention_days */
};

/* On the signalling thread (done callbacks come back to it).  The
   configuration strings are copied. */
int  recwriter_start(struct recwriter **wp, const struct recwriter_conf *c);
/* Finishes every recording still open (their done callbacks run before
   it returns), stops the thread.  NULL is a no-op. */
void recwriter_stop(struct recwriter *w);

/* From any thread.  The file (path absolute, or relative to the
   daemon's working directory; missing directories are created 0750) is
   opened by the writer thread: an error shows in the done result.
   NULL when out of memory or channels is not 1 or 2. */
struct rec_file *rec_open(struct recwriter *w, const char *path,
			  unsigned channels);
/* From one thread at a time (the media thread of the call): copies
   samples_per_channel frames of interleaved samples, or drops them all
   when the ring has no room.  Never blocks.  0, or ENOSPC (dropped). */
int  rec_write(struct rec_file *f, const int16_t *frames,
	       size_t samples_per_channel);
/* No rec_write() after this.  The writer finishes the file and done
   (may be NULL) runs on the signalling thread; f is freed by then. */
void rec_close(struct rec_file *f, rec_done_h *done, void *arg);

/* Deletes up to max (0: all) expired recordings, files then rows, in
   batches; the file of a row is relative to data_dir.  *removedp (may be
   NULL) gets how many went: fewer than max means none is left.  The
   writer thread's daily sweep calls it a batch at a time, draining the
   rings in between. */
int  rec_sweep(struct store *st, const char *data_dir, int default_days,
	       int64_t now_ms, unsigned max, unsigned *removedp);

/* tests only: a paused writer drains nothing, like a stalled disk */
void recwriter_test_pause(struct recwriter *w, bool paused);

#endif
