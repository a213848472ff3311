/**
 * @file strutil.h  Small string helpers shared by several subsystems.
 */
#ifndef CENTREX_CORE_STRUTIL_H
#define CENTREX_CORE_STRUTIL_H

#include <stddef.h>
#include <stdint.h>

void   str_lower(char *s);
size_t hex_encode(char *dst, size_t dst_size, const uint8_t *src, size_t n);
int    hex_decode(uint8_t *dst, size_t n, const char *src, size_t src_len);
char  *str_trim(char *s);

#endif
