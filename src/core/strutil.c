/**
 * @file strutil.c  Small string helpers.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include "core/strutil.h"

void str_lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

size_t hex_encode(char *dst, size_t dst_size, const uint8_t *src, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	if (!dst_size)
		return 0;
	for (i = 0; i < n && 2 * i + 2 < dst_size; i++) {
		dst[2 * i] = hx[src[i] >> 4];
		dst[2 * i + 1] = hx[src[i] & 0xf];
	}
	dst[2 * i] = '\0';
	return 2 * i;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly 2*n hex digits into n bytes. */
int hex_decode(uint8_t *dst, size_t n, const char *src, size_t src_len)
{
	if (src_len != 2 * n)
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(src[2 * i]), lo = hexval(src[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return EINVAL;
		dst[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

char *str_trim(char *s)
{
	char *e;

	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}
