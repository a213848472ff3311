/**
 * @file priv.h  Shared by the files of media/codec/ only.
 */
#ifndef CENTREX_MEDIA_CODEC_PRIV_H
#define CENTREX_MEDIA_CODEC_PRIV_H

#include <stdbool.h>
#include "media/codec/codec.h"

/* The integer value of key in an SDP fmtp ("a=1; b=2", keys
   case-insensitive).  False if absent or not a number. */
bool codec_fmtp_int(const char *fmtp, const char *key, long *val);

#endif
