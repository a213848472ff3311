/**
 * @file test_prompt.c  Finding prompts: tenant first, then the language's
 * set, then English; the cache bounds; a prompt evicted while a player
 * holds it stays playable; music on hold classes.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "media/audio.h"
#include "media/prompt/prompt.h"
#include "media/prompt/wav.h"
#include "support.h"

/* An 8 kHz PCM16 file of `ms` of a sine at hz: the length tells the test
   which file a prompt came from. */
static void write_wav(const char *dir, const char *name, unsigned ms,
		      double hz)
{
	unsigned n = 8 * ms, i;
	uint8_t hdr[44];
	char path[512];
	int16_t *s = malloc(n * 2);
	FILE *f;

	for (i = 0; i < n; i++)
		s[i] = (int16_t)(10000 * sin(2 * M_PI * hz * i / 8000));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	wav_header(hdr, 8000, 1, n * 2);
	assert_int_equal(fwrite(hdr, 1, 44, f), 44);
	assert_int_equal(fwrite(s, 2, n, f), n);
	fclose(f);
	free(s);
}

static void mkdirs(const char *base, const char *sub)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", base, sub);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int16_t *tone_pcm(size_t n)
{
	int16_t *p = malloc(n * sizeof(*p));
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (int16_t)(8000 * sin(2 * M_PI * 440 * i / AUDIO_RATE));
	return p;
}

/* a tenant's upload of `ms` of tone */
static int put_ms(struct prompt_lib *lib, uint64_t tenant, const char *lang,
		  const char *name, unsigned ms)
{
	size_t n = (size_t)AUDIO_RATE * ms / 1000;

	return prompt_lib_put(lib, tenant, lang, name, tone_pcm(n), n);
}

struct fixture {
	char dir[256];
	char sounds[300], moh[300];
};

/* two small sets: English has hello (100 ms), bye (300 ms) and
   digits/1 (50 ms); French has hello (200 ms) and digits/1 (60 ms) */
static void make_sets(struct fixture *fx)
{
	char p[512];

	support_tmpdir(fx->dir, sizeof(fx->dir));
	snprintf(fx->sounds, sizeof(fx->sounds), "%s/sounds", fx->dir);
	snprintf(fx->moh, sizeof(fx->moh), "%s/moh", fx->dir);
	mkdirs(fx->dir, "sounds");
	mkdirs(fx->dir, "moh");
	mkdirs(fx->sounds, "en_US_f_Test");
	mkdirs(fx->sounds, "fr_CA_f_Test");
	mkdirs(fx->sounds, "en_US_f_Test/digits");
	mkdirs(fx->sounds, "fr_CA_f_Test/digits");
	snprintf(p, sizeof(p), "%s/en_US_f_Test", fx->sounds);
	write_wav(p, "hello.wav", 100, 500);
	write_wav(p, "bye.wav", 300, 500);
	write_wav(p, "digits/1.wav", 50, 500);
	write_wav(p, "notes.txt", 10, 500);
	snprintf(p, sizeof(p), "%s/fr_CA_f_Test", fx->sounds);
	write_wav(p, "hello.wav", 200, 700);
	write_wav(p, "digits/1.wav", 60, 700);
	write_wav(fx->moh, "b-second.wav", 120, 300);
	write_wav(fx->moh, "a-first.wav", 110, 300);
	write_wav(fx->moh, "c-third.wav", 130, 300);
	write_wav(fx->moh, "readme", 10, 300);
}

static struct prompt_lib *open_lib(struct fixture *fx, unsigned max_count,
				   size_t max_bytes)
{
	struct prompt_conf cf = {
		.sounds_dir = fx->sounds, .moh_dir = fx->moh,
		.cache_max_count = max_count, .cache_max_bytes = max_bytes,
	};
	struct prompt_lib *lib = NULL;

	assert_int_equal(prompt_lib_alloc(&lib, &cf), 0);
	return lib;
}

static unsigned ms_of(struct prompt_lib *lib, uint64_t tenant,
		      const char *lang, const char *name)
{
	struct prompt *p = prompt_get(lib, tenant, lang, name);
	unsigned ms;

	if (!p)
		return 0;
	ms = prompt_ms(p);
	prompt_unref(p);
	return ms;
}

static void test_lookup_order(void **state)
{
	struct fixture fx;
	struct prompt_lib *lib;
	const char *const *langs;
	size_t nl;
	(void)state;

	make_sets(&fx);
	lib = open_lib(&fx, 0, 0);
	langs = prompt_langs(lib, &nl);
	assert_int_equal(nl, 2);
	assert_string_equal(langs[0], "en");
	assert_string_equal(langs[1], "fr");
	assert_true(prompt_exists(lib, "fr", "digits/1"));
	assert_false(prompt_exists(lib, "fr", "bye"));
	assert_false(prompt_exists(lib, "en", "notes"));

	/* the language's own set, in any spelling of the language */
	assert_int_equal(ms_of(lib, 0, "fr", "hello"), 200);
	assert_int_equal(ms_of(lib, 0, "fr_CA", "hello"), 200);
	assert_int_equal(ms_of(lib, 0, "FR-fr", "digits/1"), 60);
	assert_int_equal(ms_of(lib, 0, "en", "hello"), 100);
	/* missing in French: English */
	assert_int_equal(ms_of(lib, 0, "fr", "bye"), 300);
	/* unknown language: English */
	assert_int_equal(ms_of(lib, 0, "de", "hello"), 100);
	assert_int_equal(ms_of(lib, 0, "fr", "nothing"), 0);
	assert_int_equal(ms_of(lib, 0, "fr", "../fr_CA_f_Test/hello"), 0);

	/* a tenant's upload wins for that tenant and language only */
	assert_int_equal(put_ms(lib, 7, "fr", "hello", 1000), 0);
	assert_int_equal(ms_of(lib, 7, "fr", "hello"), 1000);
	assert_int_equal(ms_of(lib, 8, "fr", "hello"), 200);
	assert_int_equal(ms_of(lib, 7, "en", "hello"), 100);
	/* the tenant's French beats its English, which beats system English */
	assert_int_equal(put_ms(lib, 7, "en", "bye", 500), 0);
	assert_int_equal(ms_of(lib, 7, "fr", "bye"), 500);
	assert_int_equal(ms_of(lib, 8, "fr", "bye"), 300);
	/* a tenant's own prompt name that no system set has */
	assert_int_equal(put_ms(lib, 7, "fr", "welcome/main", 2000), 0);
	assert_int_equal(ms_of(lib, 7, "fr_CA", "welcome/main"), 2000);
	assert_int_equal(ms_of(lib, 9, "fr", "welcome/main"), 0);

	/* replaced, then removed */
	assert_int_equal(put_ms(lib, 7, "fr", "hello", 250), 0);
	assert_int_equal(ms_of(lib, 7, "fr", "hello"), 250);
	assert_int_equal(prompt_lib_remove(lib, 7, "fr", "hello"), 0);
	assert_int_equal(prompt_lib_remove(lib, 7, "fr", "hello"), ENOENT);
	assert_int_equal(ms_of(lib, 7, "fr", "hello"), 200);

	/* bad uploads are refused (and their buffer freed) */
	assert_int_equal(put_ms(lib, 7, "fr", "../x", 10), EINVAL);
	assert_int_equal(put_ms(lib, 7, "french", "x", 10), EINVAL);
	assert_int_equal(put_ms(lib, 0, "fr", "x", 10), EINVAL);

	prompt_lib_free(lib);
	support_rmdir(fx.dir);
}

static void *late_unref(void *arg)
{
	struct prompt *p = arg;
	long sum = 0;
	size_t i;

	/* a media thread still reading after the library is gone */
	for (i = 0; i < p->n; i++)
		sum += p->pcm[i];
	prompt_unref(p);
	return (void *)(intptr_t)(sum != 0);
}

static void test_cache_and_lifetime(void **state)
{
	struct fixture fx;
	struct prompt_lib *lib;
	struct prompt *held, *again, *fresh;
	struct prompt_stats st;
	int16_t copy[1600];
	pthread_t th;
	void *ret;
	(void)state;

	make_sets(&fx);
	lib = open_lib(&fx, 2, 0);

	held = prompt_get(lib, 0, "en", "hello");
	assert_non_null(held);
	assert_int_equal(held->n, AUDIO_RATE / 10);
	memcpy(copy, held->pcm, sizeof(copy));
	again = prompt_get(lib, 0, "en", "hello");
	assert_ptr_equal(again, held);          /* a cache hit */
	again = prompt_unref(again);
	prompt_lib_stats(lib, &st);
	assert_int_equal(st.loads, 1);
	assert_int_equal(st.hits, 1);

	/* two more prompts push "hello" out of a two-entry cache */
	assert_int_equal(ms_of(lib, 0, "en", "bye"), 300);
	assert_int_equal(ms_of(lib, 0, "fr", "hello"), 200);
	prompt_lib_stats(lib, &st);
	assert_int_equal(st.cache_count, 2);
	assert_int_equal(st.evictions, 1);

	/* the player's copy is intact; a new lookup loads a new one */
	assert_memory_equal(held->pcm, copy, sizeof(copy));
	fresh = prompt_get(lib, 0, "en", "hello");
	assert_non_null(fresh);
	assert_true(fresh != held);
	assert_memory_equal(fresh->pcm, copy, sizeof(copy));
	fresh = prompt_unref(fresh);

	/* the library goes, the player's reference lives on, on another
	   thread (ASan reports a use after free or a leak otherwise) */
	prompt_lib_free(lib);
	assert_int_equal(pthread_create(&th, NULL, late_unref, held), 0);
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_int_equal((intptr_t)ret, 1);

	/* byte bound: room for about one 300 ms prompt */
	lib = open_lib(&fx, 100, 12000);
	assert_int_equal(ms_of(lib, 0, "en", "bye"), 300);
	assert_int_equal(ms_of(lib, 0, "en", "hello"), 100);
	assert_int_equal(ms_of(lib, 0, "fr", "hello"), 200);
	prompt_lib_stats(lib, &st);
	assert_true(st.cache_bytes <= 12000);
	assert_int_equal(st.evictions, 1);
	prompt_lib_free(lib);
	support_rmdir(fx.dir);
}

static void test_moh(void **state)
{
	struct fixture fx;
	struct prompt_lib *lib;
	struct prompt_list l, own;
	struct prompt *t[2];
	struct prompt_stats st;
	(void)state;

	make_sets(&fx);
	lib = open_lib(&fx, 0, 0);

	/* default: every WAV file of the folder, in name order */
	assert_int_equal(prompt_moh(lib, 0, "default", &l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(prompt_ms(l.v[0]), 110);
	assert_int_equal(prompt_ms(l.v[1]), 120);
	assert_int_equal(prompt_ms(l.v[2]), 130);
	assert_int_equal(prompt_moh(lib, 0, "jazz", &own), ENOENT);

	/* a tenant's class hides the system one for that tenant only */
	assert_int_equal(prompt_alloc(&t[0], "up1", tone_pcm(AUDIO_RATE),
				      AUDIO_RATE), 0);
	assert_int_equal(prompt_alloc(&t[1], "up2", tone_pcm(AUDIO_RATE * 2),
				      AUDIO_RATE * 2), 0);
	assert_int_equal(prompt_lib_moh_put(lib, 7, "default", t, 2), 0);
	assert_int_equal(prompt_lib_moh_put(lib, 7, "jazz", t + 1, 1), 0);
	t[0] = prompt_unref(t[0]);
	t[1] = prompt_unref(t[1]);
	assert_int_equal(prompt_moh(lib, 7, "default", &own), 0);
	assert_int_equal(own.n, 2);
	assert_int_equal(prompt_ms(own.v[1]), 2000);
	prompt_list_release(&own);
	assert_int_equal(prompt_moh(lib, 7, "jazz", &own), 0);
	assert_int_equal(own.n, 1);
	prompt_list_release(&own);
	assert_int_equal(prompt_moh(lib, 8, "jazz", &own), ENOENT);
	assert_int_equal(prompt_moh(lib, 8, "default", &own), 0);
	assert_int_equal(own.n, 3);
	prompt_list_release(&own);
	prompt_lib_stats(lib, &st);
	assert_int_equal(st.tenant_count, 3);

	/* removed: the system class again; the tracks a player holds live */
	assert_int_equal(prompt_lib_moh_put(lib, 7, "jazz", NULL, 0), 0);
	assert_int_equal(prompt_lib_moh_put(lib, 7, "default", NULL, 0), 0);
	assert_int_equal(prompt_moh(lib, 7, "default", &own), 0);
	assert_int_equal(own.n, 3);
	prompt_list_release(&own);
	assert_int_equal(prompt_lib_moh_put(lib, 7, "../x", NULL, 0), EINVAL);

	prompt_lib_free(lib);
	assert_int_equal(prompt_ms(l.v[2]), 130);
	prompt_list_release(&l);
	support_rmdir(fx.dir);
}

/* the packaged sets and music, with the default paths */
static void test_debian_sets(void **state)
{
	struct prompt_conf cf = {0};
	struct prompt_lib *lib;
	struct prompt_list l;
	struct prompt *p;
	(void)state;

	assert_int_equal(prompt_lib_alloc(&lib, &cf), 0);
	assert_true(prompt_exists(lib, "en", "digits/oh"));
	assert_false(prompt_exists(lib, "fr", "digits/oh"));
	assert_true(prompt_exists(lib, "fr", "digits/et"));
	p = prompt_get(lib, 0, "fr_CA", "digits/3");
	assert_non_null(p);
	assert_true(prompt_ms(p) > 200 && prompt_ms(p) < 2000);
	p = prompt_unref(p);
	assert_int_equal(prompt_moh(lib, 0, "default", &l), 0);
	assert_int_equal(l.n, 5);
	assert_true(strstr(l.v[0]->name, "macroform-cold_day") != NULL);
	assert_true(prompt_ms(l.v[4]) > 60000);
	prompt_list_release(&l);
	prompt_lib_free(lib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_cache_and_lifetime),
		cmocka_unit_test(test_moh),
		cmocka_unit_test(test_debian_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
