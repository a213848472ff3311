/**
 * @file test_prompt_tts.c  Speech from espeak-ng: "bonjour" in French is
 * rendered once, then served from memory, then from disk after a
 * restart, without running espeak-ng again; cancelled requesters are not
 * called; bad text never reaches the program.
 */
#include <re.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "media/audio.h"
#include "media/prompt/prompt.h"
#include "media/prompt/tts.h"
#include "support.h"

struct result {
	int calls;
	int err;
	struct prompt *p;      /**< ref */
	bool stop;             /**< re_cancel() when called */
};

static void done(int err, struct prompt *p, void *arg)
{
	struct result *r = arg;

	r->calls++;
	r->err = err;
	r->p = prompt_ref(p);
	if (r->stop)
		re_cancel();
}

static void timeout(void *arg)
{
	(void)arg;
	fail_msg("no TTS result within 20 s");
}

/* runs the loop until a `stop` result arrives */
static void wait_result(void)
{
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, 20000, timeout, NULL);
	assert_int_equal(re_main(NULL), 0);
	tmr_cancel(&t);
}

static struct prompt_lib *open_lib(const char *data)
{
	struct prompt_conf cf = {.data_dir = data, .moh_dir = data};
	struct prompt_lib *lib;

	assert_int_equal(prompt_lib_alloc(&lib, &cf), 0);
	return lib;
}

static unsigned files_in(const char *dir)
{
	struct dirent *de;
	unsigned n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* speech: a plausible length, and loud enough to be more than silence */
static void check_speech(const struct prompt *p)
{
	double e = 0;
	size_t i;

	assert_non_null(p);
	assert_true(prompt_ms(p) > 300 && prompt_ms(p) < 3000);
	for (i = 0; i < p->n; i++)
		e += (double)p->pcm[i] * p->pcm[i];
	assert_true(sqrt(e / p->n) > 300);
}

static void test_bonjour(void **state)
{
	struct result a = {.stop = true}, b = {.stop = true}, c = {0};
	struct prompt_stats st;
	struct prompt_lib *lib;
	char dir[256], tts[300];
	(void)state;

	support_tmpdir(dir, sizeof(dir));
	snprintf(tts, sizeof(tts), "%s/tts", dir);
	lib = open_lib(dir);

	assert_int_equal(prompt_tts(lib, "fr", "bonjour", done, &a, NULL), 0);
	assert_int_equal(a.calls, 0);          /* never from inside the call */
	wait_result();
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.err, 0);
	check_speech(a.p);
	prompt_lib_stats(lib, &st);
	assert_int_equal(st.tts_renders, 1);
	assert_int_equal(files_in(tts), 1);    /* the cache file, no leftovers */

	/* again: from memory, the same prompt, no espeak-ng */
	assert_int_equal(prompt_tts(lib, "fr_FR", "bonjour", done, &b, NULL), 0);
	assert_int_equal(b.calls, 0);
	wait_result();
	assert_int_equal(b.err, 0);
	assert_ptr_equal(b.p, a.p);
	prompt_lib_stats(lib, &st);
	assert_int_equal(st.tts_renders, 1);
	prompt_lib_free(lib);

	/* after a restart: from the disk cache, still no espeak-ng */
	lib = open_lib(dir);
	b.p = prompt_unref(b.p);
	assert_int_equal(prompt_tts(lib, "fr", "bonjour", done, &b, NULL), 0);
	wait_result();
	assert_int_equal(b.err, 0);
	assert_int_equal(b.p->n, a.p->n);
	assert_memory_equal(b.p->pcm, a.p->pcm, a.p->n * sizeof(a.p->pcm[0]));
	prompt_lib_stats(lib, &st);
	assert_int_equal(st.tts_renders, 0);
	assert_int_equal(st.tts_disk_hits, 1);

	/* the same words in English are another rendering */
	c.stop = true;
	assert_int_equal(prompt_tts(lib, "en", "bonjour", done, &c, NULL), 0);
	wait_result();
	check_speech(c.p);
	prompt_lib_stats(lib, &st);
	assert_int_equal(st.tts_renders, 1);
	assert_int_equal(files_in(tts), 2);

	prompt_unref(a.p);
	prompt_unref(b.p);
	prompt_unref(c.p);
	prompt_lib_free(lib);
	support_rmdir(dir);
}

static void test_cancel_and_refusals(void **state)
{
	struct result gone = {0}, last = {.stop = true}, bad = {.stop = true};
	struct prompt_tts_req *req = NULL;
	struct prompt_stats st;
	struct prompt_lib *lib;
	char dir[256], tts[300], longtext[TTS_TEXT_MAX + 2];
	(void)state;

	support_tmpdir(dir, sizeof(dir));
	snprintf(tts, sizeof(tts), "%s/tts", dir);
	lib = open_lib(dir);

	/* the requester leaves: never called (the worker skips the work
	   unless it had already begun, then keeps the result) */
	assert_int_equal(prompt_tts(lib, "fr", "au revoir", done, &gone, &req),
			 0);
	prompt_tts_cancel(req);
	assert_int_equal(prompt_tts(lib, "fr", "-v en merci", done, &last,
				    NULL), 0);
	wait_result();
	assert_int_equal(gone.calls, 0);
	assert_int_equal(last.err, 0);          /* text, not options */
	check_speech(last.p);
	last.p = prompt_unref(last.p);

	/* refused before anything runs */
	memset(longtext, 'a', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	assert_int_equal(prompt_tts(lib, "fr", longtext, done, &bad, NULL),
			 EINVAL);
	assert_int_equal(prompt_tts(lib, "fr", "a\nb", done, &bad, NULL),
			 EINVAL);
	assert_int_equal(prompt_tts(lib, "fr", "a\033[2Jb", done, &bad, NULL),
			 EINVAL);
	assert_int_equal(prompt_tts(lib, "fr", "", done, &bad, NULL), EINVAL);
	assert_int_equal(prompt_tts(lib, "-w/etc/x", "a", done, &bad, NULL),
			 EINVAL);
	assert_int_equal(prompt_tts(lib, "fr;rm", "a", done, &bad, NULL),
			 EINVAL);

	/* a language espeak-ng does not have: an error, through done */
	assert_int_equal(prompt_tts(lib, "qq", "bonjour", done, &bad, NULL), 0);
	wait_result();
	assert_int_equal(bad.calls, 1);
	assert_true(bad.err != 0);
	assert_null(bad.p);
	prompt_lib_stats(lib, &st);
	assert_true(files_in(tts) == 1 || files_in(tts) == 2);
	assert_int_equal(st.tts_renders, 2 + (files_in(tts) - 1));
	assert_int_equal(st.tts_errors, 1);

	/* a request still queued when the library goes: dropped, not called */
	gone.calls = 0;
	assert_int_equal(prompt_tts(lib, "en", "one two three", done, &gone,
				    NULL), 0);
	prompt_lib_free(lib);
	assert_int_equal(gone.calls, 0);

	/* no data folder: no speech */
	{
		struct prompt_conf cf = {.moh_dir = dir};
		assert_int_equal(prompt_lib_alloc(&lib, &cf), 0);
		assert_int_equal(prompt_tts(lib, "fr", "a", done, &bad, NULL),
				 EINVAL);
		prompt_lib_free(lib);
	}
	support_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bonjour),
		cmocka_unit_test(test_cancel_and_refusals),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
